// aex.fetch's JSON reader on a small body of known length (Bun.serve's requests carry one),
// which the request facade reads in one call, without a node stream (fetch/light-body.ts):
// limits, timeouts, errors and a middleware that listens to the body too behave as on the
// chunked path; and the response facade's headers as node's. Runs on Node (undici) and on Bun.
import { Aex, body, inject, post, type AexRequest, type AexResponse, type Scope } from "@aex/core";

const BASE = "http://localhost";

/** A POST of `text` as JSON, its Content-Length given as a runtime's server gives it. */
function jsonRequest(path: string, text: string | Uint8Array): Request {
  const bytes = typeof text === "string" ? new TextEncoder().encode(text) : text;
  return new Request(`${BASE}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", "content-length": String(bytes.byteLength) },
    body: bytes,
  });
}

describe("aex.fetch's JSON body of known length", () => {
  let aex: Aex;

  beforeAll(() => {
    class Api {
      @post("/echo")
      @body("json", { limit: 1024 })
      echo(req: AexRequest, res: AexResponse, scope: Scope) {
        res.json({ body: scope.body, complete: req.complete });
      }

      @post("/listened")
      @inject((req: AexRequest, _res: AexResponse, scope: Scope) => {
        const seen: string[] = [];
        scope.inner.seen = seen;
        req.on("data", (chunk: Buffer) => seen.push(chunk.toString("utf8")));
      })
      @body("json")
      listened(_req: AexRequest, res: AexResponse, scope: Scope) {
        res.json({ body: scope.body, seen: (scope.inner.seen as string[]).join("") });
      }

      @post("/read-headers")
      @inject((req: AexRequest) => {
        if (req.originalUrl.endsWith("?change")) req.headers["x-trace"] = "changed by a step";
      })
      readHeaders(req: AexRequest, res: AexResponse) {
        res.json({ type: req.get("Content-Type"), trace: req.header("X-TRACE"), host: req.get("host") });
      }

      @post("/ended")
      @inject((req: AexRequest, _res: AexResponse, scope: Scope) => {
        scope.inner.ended = false;
        req.on("end", () => (scope.inner.ended = true));
      })
      @body("json")
      ended(req: AexRequest, res: AexResponse, scope: Scope) {
        res.json({ body: scope.body, ended: scope.inner.ended, complete: req.complete, readable: req.readable });
      }

      @post("/headers")
      headers(_req: AexRequest, res: AexResponse) {
        res.appendHeader("X-Trace", "a");
        res.appendHeader("x-trace", ["b", "c"]);
        res.setHeader("X-Single", "one");
        res.appendHeader("X-Single", "two");
        res.json({ names: res.getHeaderNames().sort(), single: res.getHeader("x-single") });
      }

      @post("/header-value")
      headerValue(req: AexRequest, res: AexResponse) {
        const values: Record<string, string | number | string[]> = {
          tab: "a\tb",
          latin1: "caf\u00e9",
          number: 5,
          del: "a\u007fb",
          nul: ["ok", "a\u0000b"],
        };
        res.setHeader("X-Value", values[req.originalUrl.slice(req.originalUrl.indexOf("?") + 1)]);
        res.end("set");
      }

      @post("/bad-header")
      badHeader(_req: AexRequest, res: AexResponse) {
        res.appendHeader("X-Injected", "a\r\nSet-Cookie: evil=1");
        res.end("not reached");
      }
    }
    aex = new Aex({ limits: { bodyTimeout: 300, bodyIdleTimeout: 300 } }).push(Api);
  });

  afterAll(() => aex.close());

  it("parses it, and the request is complete once it is read", async () => {
    const res = await aex.fetch(jsonRequest("/echo", JSON.stringify({ hello: "world", n: 1 })));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ body: { hello: "world", n: 1 }, complete: true });
  });

  it("gives the body to a middleware listening for data as well as to the JSON reader", async () => {
    const text = JSON.stringify({ shared: true });
    const res = await aex.fetch(jsonRequest("/listened", text));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ body: { shared: true }, seen: text });
  });

  it("reads request headers by any case, and sees what a step changed in req.headers", async () => {
    const init = { method: "POST", headers: { "Content-Type": "text/plain", "X-Trace": "sent" }, body: "x" };
    const given = await aex.fetch(new Request(`${BASE}/read-headers`, init));
    expect(given.status).toBe(200);
    // A Request made in code has no Host line: its URL's authority is its host.
    expect(await given.json()).toEqual({ type: "text/plain", trace: "sent", host: "localhost" });
    const changed = await aex.fetch(new Request(`${BASE}/read-headers?change`, init));
    expect(await changed.json()).toEqual({ type: "text/plain", trace: "changed by a step", host: "localhost" });
  });

  it("tells an end listener added before the JSON reader that the body ended", async () => {
    const res = await aex.fetch(jsonRequest("/ended", '{"whole":true}'));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ body: { whole: true }, ended: true, complete: true, readable: false });
  });

  it("answers a declared length over the limit with a readable 413", async () => {
    const res = await aex.fetch(jsonRequest("/echo", JSON.stringify({ pad: "x".repeat(2048) })));
    expect(res.status).toBe(413);
    expect(res.headers.get("content-type")).toBe("application/problem+json; charset=utf-8");
    expect(await res.json()).toMatchObject({ status: 413, code: "AEX_BODY_TOO_LARGE" });
  });

  it("answers malformed JSON and bytes that are not UTF-8 with 400 AEX_BODY_INVALID", async () => {
    const malformed = await aex.fetch(jsonRequest("/echo", '{"a":'));
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toMatchObject({ status: 400, code: "AEX_BODY_INVALID" });
    const notUtf8 = await aex.fetch(
      jsonRequest("/echo", new Uint8Array([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d])),
    );
    expect(notUtf8.status).toBe(400);
    expect(await notUtf8.json()).toMatchObject({ status: 400, code: "AEX_BODY_INVALID" });
  });

  it("answers a body that stalls with 408 AEX_BODY_TIMEOUT, and goes on serving", async () => {
    // Declares 20 bytes, sends 2, then nothing: the whole read never settles by itself.
    const stalled = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('{"'));
      },
    });
    const init = {
      method: "POST",
      headers: { "content-type": "application/json", "content-length": "20" },
      body: stalled,
      duplex: "half",
    };
    const res = await aex.fetch(new Request(`${BASE}/echo`, init as RequestInit));
    expect(res.status).toBe(408);
    expect(await res.json()).toMatchObject({ status: 408, code: "AEX_BODY_TIMEOUT" });
    const next = await aex.fetch(jsonRequest("/echo", "{}"));
    expect(next.status).toBe(200);
  });

  it("appends header values under one name whatever its case, as node's appendHeader does", async () => {
    const res = await aex.fetch(jsonRequest("/headers", "{}"));
    expect(res.status).toBe(200);
    expect(res.headers.get("x-trace")).toBe("a, b, c");
    expect(res.headers.get("x-single")).toBe("one, two");
    expect(await res.json()).toEqual({ names: ["x-single", "x-trace"], single: ["one", "two"] });
  });

  it("takes a header value node takes (a tab, Latin-1, a number), refuses a control character with 400", async () => {
    for (const [which, sent] of [
      ["tab", "a\tb"],
      ["latin1", "caf\u00e9"],
      ["number", "5"],
    ]) {
      const res = await aex.fetch(jsonRequest(`/header-value?${which}`, "{}"));
      expect(res.status).toBe(200);
      // Latin-1 goes out as bytes; `Headers` reads each back as one character.
      expect(res.headers.get("x-value")).toBe(sent);
      expect(await res.text()).toBe("set");
    }
    for (const which of ["del", "nul"]) {
      const res = await aex.fetch(jsonRequest(`/header-value?${which}`, "{}"));
      expect(res.status).toBe(400);
      expect(res.headers.get("x-value")).toBeNull();
      expect(await res.json()).toMatchObject({ status: 400, code: "AEX_HEADER_INVALID" });
    }
  });

  it("refuses an appended header value with CR/LF: 400 AEX_HEADER_INVALID, nothing injected", async () => {
    const res = await aex.fetch(jsonRequest("/bad-header", "{}"));
    expect(res.status).toBe(400);
    expect(res.headers.get("set-cookie")).toBeNull();
    expect(await res.json()).toMatchObject({ status: 400, code: "AEX_HEADER_INVALID" });
  });
});
