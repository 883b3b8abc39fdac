import { Aex, get, HttpError, type AexRequest, type AexResponse } from "@aex/core";
import { prefersHtml } from "@aex/core/plugin";

class Problems {
  @get("/invalid")
  invalid() {
    throw new HttpError(400, "Invalid body", {
      code: "AEX_FILTER_INVALID",
      details: {
        errors: [
          { field: "body.title", rule: "minLength", message: "title must be at least 1 character", value: "s3cret" },
          { field: "body.tags", rule: "type", message: "tags must be an array", value: "<b>raw</b>" },
        ],
      },
    });
  }

  @get("/typed")
  typed() {
    throw new HttpError(402, "Top up first", { code: "CREDIT", type: "https://example.com/problems/credit" });
  }

  @get("/xss")
  xss() {
    throw new HttpError(400, '<img src=x onerror="alert(1)">', { code: "BAD" });
  }

  @get("/store-down-sync")
  storeDownSync(_req: AexRequest, res: AexResponse) {
    res.beforeEnd(() => {
      throw new HttpError(503, "The store is down", { code: "STORE_DOWN", expose: true });
    });
    res.end("never sent");
  }

  @get("/sync-task")
  syncTask(_req: AexRequest, res: AexResponse) {
    res.beforeEnd(() => res.setHeader("X-Saved", "at once"));
    res.beforeEnd(async () => res.setHeader("X-Saved-Later", "after a tick"));
    res.end("sent");
  }

  @get("/store-down")
  storeDown(_req: AexRequest, res: AexResponse) {
    res.beforeEnd(() => Promise.reject(new HttpError(503, "The store is down", { code: "STORE_DOWN", expose: true })));
    res.end("never sent");
  }
}

const BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";

describe("problem details (RFC 9457)", () => {
  it("lists validation failures in errors: field, rule and message, never the rejected value", async () => {
    const aex = new Aex({ logger: false }).push(Problems);
    const res = await aex.inject().get("/invalid").set("accept", "application/json");
    expect(res.status).toBe(400);
    expect(res.headers["content-type"]).toBe("application/problem+json; charset=utf-8");
    expect(res.json()).toEqual({
      type: "about:blank",
      title: "Bad Request",
      status: 400,
      detail: "Invalid body",
      instance: "/invalid",
      code: "AEX_FILTER_INVALID",
      requestId: res.headers["x-request-id"],
      errors: [
        { field: "body.title", rule: "minLength", message: "title must be at least 1 character" },
        { field: "body.tags", rule: "type", message: "tags must be an array" },
      ],
    });
    expect(res.text()).not.toContain("s3cret");
  });

  it("takes the problem type of an HttpError", async () => {
    const res = await new Aex({ logger: false }).push(Problems).inject().get("/typed");
    expect(res.status).toBe(402);
    expect(res.json()).toMatchObject({
      type: "https://example.com/problems/credit",
      title: "Payment Required",
      code: "CREDIT",
    });
  });

  it("gives a browser a small escaped HTML page", async () => {
    const aex = new Aex({ logger: false }).push(Problems);
    const res = await aex.inject().get("/xss").set("accept", BROWSER);
    expect(res.status).toBe(400);
    expect(res.headers["content-type"]).toBe("text/html; charset=utf-8");
    expect(res.text()).toContain("<h1>400 Bad Request</h1>");
    expect(res.text()).toContain("&lt;img src=x onerror=&quot;alert(1)&quot;&gt;");
    expect(res.text()).not.toContain("<img");
    expect(res.text()).toContain(`BAD · request ${res.headers["x-request-id"]}`);
  });

  it("gives a browser the 404 page, and an API client problem+json", async () => {
    const aex = new Aex({ logger: false }).push(Problems);
    const page = await aex.inject().get("/nowhere").set("accept", BROWSER);
    expect(page.status).toBe(404);
    expect(page.headers["content-type"]).toBe("text/html; charset=utf-8");
    expect(page.text()).toContain("<p>Cannot GET /nowhere</p>");
    const api = await aex.inject().get("/nowhere").set("accept", "application/json");
    expect(api.status).toBe(404);
    expect(api.headers["content-type"]).toBe("application/problem+json; charset=utf-8");
    expect(api.json()).toMatchObject({ status: 404, code: "AEX_NOT_FOUND", instance: "/nowhere" });
  });

  it("answers a failing beforeEnd task through the error path", async () => {
    const seen: string[] = [];
    const aex = new Aex({ logger: false }).push(Problems);
    aex.setErrorHandler((error) => {
      seen.push(String(error.code));
    });
    const res = await aex.inject().get("/store-down");
    expect(res.status).toBe(503);
    expect(res.json()).toMatchObject({ status: 503, code: "STORE_DOWN", detail: "The store is down" });
    expect(res.text()).not.toContain("never sent");
    expect(seen).toEqual(["STORE_DOWN"]);
  });

  it("answers a beforeEnd task that throws at once through the error path too", async () => {
    const seen: string[] = [];
    const aex = new Aex({ logger: false }).push(Problems);
    aex.setErrorHandler((error) => {
      seen.push(String(error.code));
    });
    const res = await aex.inject().get("/store-down-sync");
    expect(res.status).toBe(503);
    expect(res.json()).toMatchObject({ status: 503, code: "STORE_DOWN", detail: "The store is down" });
    expect(res.text()).not.toContain("never sent");
    expect(seen).toEqual(["STORE_DOWN"]);
  });

  it("sends what synchronous and asynchronous beforeEnd tasks set", async () => {
    const res = await new Aex({ logger: false }).push(Problems).inject().get("/sync-task");
    expect(res.status).toBe(200);
    expect(res.text()).toBe("sent");
    expect(res.headers["x-saved"]).toBe("at once");
    expect(res.headers["x-saved-later"]).toBe("after a tick");
  });

  it("shows the default 404 to the custom error handler", async () => {
    const aex = new Aex({ logger: false }).push(Problems);
    aex.setErrorHandler((error, _req, res) => {
      res.status(error.status).json({ mine: error.code });
    });
    const res = await aex.inject().get("/nowhere");
    expect(res.status).toBe(404);
    expect(res.json()).toEqual({ mine: "AEX_NOT_FOUND" });
  });

  it("answers errors of packages through app.answerError", async () => {
    const aex = new Aex({ logger: false });
    aex.use((req, res) => {
      void aex.answerError(
        new HttpError(429, "Slow down", { code: "RATE", headers: { "Retry-After": "1" } }),
        req,
        res,
      );
      return false;
    });
    const res = await aex.inject().get("/");
    expect(res.status).toBe(429);
    expect(res.headers["retry-after"]).toBe("1");
    expect(res.json()).toMatchObject({ status: 429, code: "RATE", detail: "Slow down" });
  });
});

describe("prefersHtml(accept)", () => {
  it.each([
    [BROWSER, true],
    ["text/html", true],
    ["application/json", false],
    ["application/json, text/html", false],
    ["text/html;q=0.5, application/json", false],
    ["*/*", false],
    [undefined, false],
  ])("%j → %s", (accept, html) => {
    expect(prefersHtml(accept)).toBe(html);
  });
});
