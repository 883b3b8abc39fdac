// The request id and the security headers on the fetch transport (aex.fetch, Bun.serve): each
// answer carries its own id beside the app's block, whatever else the response set. Runs on
// Node (undici) and on Bun with the same assertions.
import { Aex, get, type AexRequest, type AexResponse } from "@aex/core";
import { expectHelmetLevel, STATIC_CSP } from "./support/security-headers";

/** An answer's headers as an object (lower-case names). */
const headersOf = (res: Response): Record<string, string> => Object.fromEntries(res.headers);

const BASE = "http://localhost";

class Routes {
  @get("/text")
  text(_req: AexRequest, res: AexResponse) {
    res.send("hello");
  }

  @get("/json")
  json(_req: AexRequest, res: AexResponse) {
    res.json({ ok: true });
  }

  @get("/more")
  more(_req: AexRequest, res: AexResponse) {
    res.setHeader("Cache-Control", "no-store");
    res.json({ more: true });
  }

  @get("/own-id")
  ownId(_req: AexRequest, res: AexResponse) {
    res.setHeader("X-Request-Id", "mine");
    res.send("own");
  }

  @get("/bare")
  bare(_req: AexRequest, res: AexResponse) {
    res.end();
  }
}

describe("the request id on the fetch transport", () => {
  const aex = new Aex();
  aex.push(Routes);
  const get = (path: string) => aex.fetch(new Request(`${BASE}${path}`));

  it("gives answers of one shape their own ids, with the security headers", async () => {
    const first = await get("/text");
    const second = await get("/text");
    const ids = [first.headers.get("x-request-id"), second.headers.get("x-request-id")];
    expect(ids[0]).toMatch(/^\w+-\w+$/);
    expect(ids[1]).toMatch(/^\w+-\w+$/);
    expect(ids[0]).not.toBe(ids[1]);
    for (const res of [first, second]) {
      expectHelmetLevel(headersOf(res));
      expect(res.headers.get("content-security-policy")).toBe(STATIC_CSP);
      expect(res.headers.get("content-type")).toBe("text/plain; charset=utf-8");
      expect(await res.text()).toBe("hello");
    }
  });

  it("keeps each answer's id apart from the next one made from the same headers", async () => {
    const answers = await Promise.all([get("/json"), get("/json"), get("/more"), get("/json")]);
    const ids = answers.map((res) => res.headers.get("x-request-id"));
    expect(new Set(ids).size).toBe(4);
    expect(answers[2].headers.get("cache-control")).toBe("no-store");
    expect(answers[3].headers.get("cache-control")).toBeNull();
    expect(answers.map((res) => res.headers.get("content-type"))).toEqual(
      Array(4).fill("application/json; charset=utf-8"),
    );
    for (const res of answers) expectHelmetLevel(headersOf(res));
  });

  it("sends the id a handler set itself, once", async () => {
    const res = await get("/own-id");
    expect(res.headers.get("x-request-id")).toBe("mine");
    // A later answer from the same block gets a generated id again.
    const next = await get("/text");
    expect(next.headers.get("x-request-id")).toMatch(/^\w+-\w+$/);
    expect(next.headers.get("x-request-id")).not.toBe("mine");
  });

  it("gives an answer without a type its id and block too", async () => {
    const res = await get("/bare");
    expect(res.headers.get("x-request-id")).toMatch(/^\w+-\w+$/);
    expectHelmetLevel(headersOf(res));
    expect(res.headers.get("content-type")).toBeNull();
  });

  it("sends no id when echo is off, and the block still", async () => {
    const quiet = new Aex({ requestId: { echo: false } });
    quiet.push(Routes);
    const res = await quiet.fetch(new Request(`${BASE}/text`));
    expect(res.headers.get("x-request-id")).toBeNull();
    expectHelmetLevel(headersOf(res));
  });

  it("keeps HTTPS answers' Strict-Transport-Security off plain HTTP ones made in between", async () => {
    const answers = await Promise.all(
      ["https", "http", "https", "http"].map((scheme) => aex.fetch(new Request(`${scheme}://localhost/text`))),
    );
    const hsts = answers.map((res) => res.headers.get("strict-transport-security"));
    expect(hsts[0]).toMatch(/^max-age=\d+/);
    expect(hsts).toEqual([hsts[0], null, hsts[0], null]);
    expect(new Set(answers.map((res) => res.headers.get("x-request-id"))).size).toBe(4);
    for (const res of answers) expectHelmetLevel(headersOf(res));
  });

  it("names the id with the app's header, apps with other names side by side", async () => {
    const other = new Aex({ requestId: { header: "x-trace" } });
    other.push(Routes);
    const traced = await other.fetch(new Request(`${BASE}/text`));
    expect(traced.headers.get("x-trace")).toMatch(/^\w+-\w+$/);
    expect(traced.headers.get("x-request-id")).toBeNull();
    const plain = await get("/text");
    expect(plain.headers.get("x-request-id")).toMatch(/^\w+-\w+$/);
    expect(plain.headers.get("x-trace")).toBeNull();
  });
});
