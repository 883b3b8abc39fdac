import { Aex, get, HttpError } from "@aex/core";
import { prefersHtml } from "@aex/core/plugin";
import { get as httpGet, listen } from "../support/http";

class Refusing {
  @get("/refused")
  refused() {
    throw new HttpError(403, "Not for you", { code: "NEGOTIATION_REFUSED" });
  }
}

const BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";

describe("Accept negotiation of error bodies (q weights, RFC 9110 §12.4.2)", () => {
  const aex = new Aex({ logger: false, handleSignals: false }).push(Refusing);
  let base: string;
  beforeAll(async () => {
    base = await listen(aex);
  });
  afterAll(() => aex.close());

  it.each([
    ["text/html;Q=0.1, application/json;q=0.9", "case"],
    ["text/html; Q=0.1, application/json; Q=0.9", "case, with spaces"],
    ["text/html;q=2, application/json;q=0.9", "out of range"],
    ["text/html;q=1.5, application/json", "out of range"],
    ["text/html;q=0.0001, application/json;q=0.001", "four decimals"],
    ["text/html;q=abc, application/json;q=0.1", "not a number"],
  ])("regression: Accept %j (%s) gets problem+json, not the HTML page", async (accept) => {
    const res = await httpGet(base, "/refused", { accept });
    expect(res.status).toBe(403);
    expect(res.headers["content-type"]).toBe("application/problem+json; charset=utf-8");
    expect(res.json()).toMatchObject({ status: 403, code: "NEGOTIATION_REFUSED" });
  });

  it.each([[BROWSER], ["text/html;Q=1, application/json;Q=0.5"], ["application/json;q=0.5, text/html"]])(
    "still gives the HTML page to %j",
    async (accept) => {
      const res = await httpGet(base, "/refused", { accept });
      expect(res.status).toBe(403);
      expect(res.headers["content-type"]).toBe("text/html; charset=utf-8");
      expect(res.text).toContain("NEGOTIATION_REFUSED");
    },
  );

  it.each([
    ["text/html;Q=0.1, application/json;q=0.9", false],
    ["text/html;q=0.9;Q=0.1, application/json;q=0.5", true],
    ["text/html;q=1.000, application/json;q=0.999", true],
    ["text/html;q=1.001, application/json;q=0.001", false],
    ["text/html;q=0., application/json;q=0", false],
  ])("prefersHtml(%j) → %s", (accept, html) => {
    expect(prefersHtml(accept)).toBe(html);
  });
});
