// @decorator-modes both: the README's @body examples.
import { gzipSync } from "node:zlib";
import { Aex, body, filter, http, post, type AexResponse, type Scope } from "@aex/core";
import { z } from "zod";
import { connect } from "node:net";
import { listen, send } from "./support/http";

describe("@body(type, options)", () => {
  class User {
    @http("post", "/user/login")
    @body("urlencoded", { extended: false })
    login() {
      // eslint-disable-next-line prefer-rest-params
      const [req, res, scope] = arguments as unknown as [any, any, any];
      const { body } = scope;
      res.json({ body, same: req.body === body });
    }

    @http("post", "/user/logout")
    @body()
    logout() {
      // eslint-disable-next-line prefer-rest-params
      const [, res, scope] = arguments as unknown as [any, any, any];
      res.json(scope.body);
    }

    @post("/json")
    @body("json", { limit: "1kb" })
    json(_req: any, res: any, scope: any) {
      res.json({ body: scope.body, polluted: ({} as any).polluted ?? null });
    }

    @post("/extended")
    @body("urlencoded", { extended: true })
    extended(_req: any, res: any, scope: any) {
      res.json({ body: scope.body, polluted: ({} as any).polluted ?? null });
    }

    @post("/text")
    @body("text")
    text(_req: any, res: any, scope: any) {
      res.json({ text: scope.body });
    }

    @post("/raw")
    @body("raw")
    raw(_req: any, res: any, scope: any) {
      res.json({ isBuffer: Buffer.isBuffer(scope.body), length: scope.body.length });
    }
  }

  let aex: Aex;
  let base: string;
  beforeAll(async () => {
    aex = new Aex().push(User);
    base = await listen(aex);
  });
  afterAll(() => aex.close());

  const form = { "Content-Type": "application/x-www-form-urlencoded" };
  const json = { "Content-Type": "application/json" };

  it("parses urlencoded bodies into scope.body and req.body (README)", async () => {
    const res = await send(base, "POST", "/user/login", { headers: form, body: "username=alice&password=secret" });
    expect(res.status).toBe(200);
    expect(res.json()).toEqual({ body: { username: "alice", password: "secret" }, same: true });
  });

  it("defaults to urlencoded", async () => {
    const res = await send(base, "POST", "/user/logout", { headers: form, body: "a=1" });
    expect(res.json()).toEqual({ a: "1" });
  });

  it("parses JSON, text and raw bodies", async () => {
    expect((await send(base, "POST", "/json", { headers: json, body: '{"a":[1,2]}' })).json()).toEqual({
      body: { a: [1, 2] },
      polluted: null,
    });
    const text = await send(base, "POST", "/text", { headers: { "Content-Type": "text/plain" }, body: "hi there" });
    expect(text.json()).toEqual({ text: "hi there" });
    const raw = await send(base, "POST", "/raw", {
      headers: { "Content-Type": "application/octet-stream" },
      body: Buffer.from([1, 2, 3]),
    });
    expect(raw.json()).toEqual({ isBuffer: true, length: 3 });
  });

  it("answers 400 for malformed JSON, then keeps serving", async () => {
    const res = await send(base, "POST", "/json", { headers: json, body: '{"a":' });
    expect(res.status).toBe(400);
    expect(res.json()).toMatchObject({ status: 400, title: "Bad Request", code: "AEX_BODY_INVALID" });
    expect((await send(base, "POST", "/json", { headers: json, body: "{}" })).status).toBe(200);
  });

  it("answers 413 for a body over the limit, then keeps serving", async () => {
    const res = await send(base, "POST", "/json", { headers: json, body: JSON.stringify({ a: "x".repeat(2000) }) });
    expect(res.status).toBe(413);
    expect(res.json()).toMatchObject({ status: 413, title: "Payload Too Large", code: "AEX_BODY_TOO_LARGE" });
    expect((await send(base, "POST", "/json", { headers: json, body: "{}" })).status).toBe(200);
  });

  it("answers 415 for an unsupported charset", async () => {
    const res = await send(base, "POST", "/json", {
      headers: { "Content-Type": "application/json; charset=klingon" },
      body: "{}",
    });
    expect(res.status).toBe(415);
    expect(res.json()).toMatchObject({ status: 415, code: "AEX_BODY_UNSUPPORTED_ENCODING" });
  });

  it("parses +json types and UTF-8 charsets, and rejects primitives in strict mode", async () => {
    const vendor = await send(base, "POST", "/json", {
      headers: { "Content-Type": "application/vnd.api+json; charset=UTF-8" },
      body: '{"ü":"ß"}',
    });
    expect(vendor.json()).toEqual({ body: { ü: "ß" }, polluted: null });
    const primitive = await send(base, "POST", "/json", { headers: json, body: "3" });
    expect(primitive.status).toBe(400);
    expect(primitive.json()).toMatchObject({ code: "AEX_BODY_INVALID" });
    expect((await send(base, "POST", "/json", { headers: json, body: "  " })).json()).toEqual({
      body: {},
      polluted: null,
    });
  });

  it("inflates a gzip body, and refuses JSON in a non-UTF charset (through body-parser)", async () => {
    const gzipped = gzipSync(Buffer.from('{"zipped":true}'));
    const res = await send(base, "POST", "/json", { headers: { ...json, "Content-Encoding": "gzip" }, body: gzipped });
    expect(res.json()).toEqual({ body: { zipped: true }, polluted: null });
    const latin1 = await send(base, "POST", "/json", {
      headers: { "Content-Type": "application/json; charset=latin1" },
      body: Buffer.from('{"name":"José"}', "latin1"),
    });
    expect(latin1.status).toBe(415);
    expect(latin1.json()).toMatchObject({ code: "AEX_BODY_UNSUPPORTED_ENCODING" });
  });

  it("answers 413 from the declared Content-Length before reading", async () => {
    const res = await send(base, "POST", "/json", {
      headers: { ...json, "Content-Length": "5000" },
      body: "x".repeat(5000),
    });
    expect(res.status).toBe(413);
    expect(res.headers.connection).toBe("close");
  });

  it("reads a chunked JSON body sent in several pieces whole, and counts the pieces against the limit", async () => {
    const head =
      "POST /json HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n";
    const chunk = (text: string | Buffer) =>
      Buffer.concat([
        Buffer.from(`${Buffer.byteLength(text).toString(16)}\r\n`),
        Buffer.from(text),
        Buffer.from("\r\n"),
      ]);
    // "é" is two bytes in UTF-8: the first ends one chunk, the second starts the next.
    const accent = Buffer.from("é");
    const whole = await piecewise(base, [
      head,
      chunk(Buffer.concat([Buffer.from('{"a":"'), accent.subarray(0, 1)])),
      chunk(Buffer.concat([accent.subarray(1), Buffer.from('",')])),
      chunk('"n":[1,2]}'),
      "0\r\n\r\n",
    ]);
    expect(whole).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(whole.slice(whole.indexOf("\r\n\r\n") + 4)).toBe(
      JSON.stringify({ body: { a: "é", n: [1, 2] }, polluted: null }),
    );
    // Each piece is under the 1 KB limit, the three together are not: 413 without a Content-Length.
    const piece = chunk(`"${"x".repeat(400)}",`);
    const large = await piecewise(base, [head, chunk("["), piece, piece, piece, chunk("1]"), "0\r\n\r\n"]);
    expect(large).toMatch(/^HTTP\/1\.1 413 Payload Too Large\r\n/);
    expect(large).toContain('"code":"AEX_BODY_TOO_LARGE"');
  });

  it("answers 413 before a single byte of the declared body was sent", async () => {
    // Only the head goes out: the body never does. An answer can only come from the
    // declared Content-Length, since there is nothing to read.
    const answer = await headOnly(
      base,
      "POST /json HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 5000\r\n\r\n",
    );
    expect(answer).toMatch(/^HTTP\/1\.1 413 Payload Too Large\r\n/);
    expect(answer).toMatch(/\r\nconnection: close\r\n/i);
    expect(answer).toContain('"code":"AEX_BODY_TOO_LARGE"');
  });

  it("regression: a body of another media type is a 415 naming the accepted types, not an empty body", async () => {
    const wrong = await send(base, "POST", "/json", { headers: form, body: "a=1" });
    expect(wrong.status).toBe(415);
    expect(wrong.headers["accept-post"]).toBe("application/json, application/*+json");
    expect(wrong.headers.connection).toBe("close");
    expect(wrong.json()).toMatchObject({
      status: 415,
      code: "AEX_BODY_UNSUPPORTED_TYPE",
      detail:
        "The media type application/x-www-form-urlencoded is not supported here; this route takes application/json, application/*+json",
      details: { accepted: ["application/json", "application/*+json"] },
    });
    const text = await send(base, "POST", "/user/logout", { headers: json, body: "{}" });
    expect(text.status).toBe(415);
    expect(text.json()).toMatchObject({ details: { accepted: ["application/x-www-form-urlencoded"] } });
    const untyped = await send(base, "POST", "/text", { body: "hi" });
    expect(untyped.status).toBe(415);
    expect(untyped.json()).toMatchObject({
      code: "AEX_BODY_UNSUPPORTED_TYPE",
      detail: "A body without a Content-Type is not supported here; this route takes text/plain",
    });
    expect((await send(base, "POST", "/json", { headers: json, body: "{}" })).status).toBe(200);
  });

  it("gives an empty body to a request without one", async () => {
    expect((await send(base, "POST", "/text")).json()).toEqual({ text: "" });
    expect((await send(base, "POST", "/json", { headers: { "Content-Length": "0" } })).json()).toEqual({
      body: {},
      polluted: null,
    });
  });

  it("answers a corrupt gzip body 400 AEX_BODY_INVALID (not zlib's own code)", async () => {
    const res = await send(base, "POST", "/json", {
      headers: { ...json, "Content-Encoding": "gzip" },
      body: '{"not":"gzip"}',
    });
    expect(res.status).toBe(400);
    expect(res.json()).toMatchObject({ status: 400, code: "AEX_BODY_INVALID" });
  });

  it("strips __proto__ and constructor.prototype from JSON", async () => {
    const payload = '{"ok":1,"__proto__":{"polluted":"yes"},"nested":{"constructor":{"prototype":{"polluted":"yes"}}}}';
    const res = await send(base, "POST", "/json", { headers: json, body: payload });
    expect(res.status).toBe(200);
    expect(res.json()).toEqual({ body: { ok: 1, nested: {} }, polluted: null });
  });

  it("never pollutes prototypes through extended urlencoded bodies", async () => {
    const res = await send(base, "POST", "/extended", {
      headers: form,
      body: "ok=1&__proto__[polluted]=yes&constructor[prototype][polluted]=yes",
    });
    expect(res.status).toBe(200);
    expect(res.json()).toEqual({ body: { ok: "1" }, polluted: null });
  });
});

describe("@body(schema) and @body() + @filter: a body of an unsupported media type", () => {
  class Notes {
    @post("/schema")
    @body(z.object({ title: z.string() }))
    schema(_req: unknown, res: AexResponse, scope: Scope) {
      res.json(scope.body);
    }

    @post("/filter")
    @body("json")
    @filter({ body: { title: { type: "string", required: true } } })
    filtered(_req: unknown, res: AexResponse, scope: Scope) {
      res.json(scope.extracted.body);
    }

    @post("/plain")
    @body("json")
    plain(_req: unknown, res: AexResponse, scope: Scope) {
      res.json(scope.body);
    }
  }

  let aex: Aex;
  let base: string;
  beforeAll(async () => {
    aex = new Aex().push(Notes);
    base = await listen(aex);
  });
  afterAll(() => aex.close());

  it.each(["/schema", "/filter", "/plain"])(
    "regression: text/plain on %s is 415 AEX_BODY_UNSUPPORTED_TYPE naming the accepted types, not a 400 validation error",
    async (path) => {
      const res = await send(base, "POST", path, {
        headers: { "Content-Type": "text/plain" },
        body: '{"title":"hello"}',
      });
      expect(res.status).toBe(415);
      expect(res.headers["content-type"]).toBe("application/problem+json; charset=utf-8");
      expect(res.headers["accept-post"]).toBe("application/json, application/*+json");
      expect(res.json()).toMatchObject({
        status: 415,
        title: "Unsupported Media Type",
        code: "AEX_BODY_UNSUPPORTED_TYPE",
        details: { accepted: ["application/json", "application/*+json"] },
      });
      const ok = await send(base, "POST", path, {
        headers: { "Content-Type": "application/json" },
        body: '{"title":"hello"}',
      });
      expect(ok.status).toBe(200);
      expect(ok.json()).toEqual({ title: "hello" });
    },
  );

  it("validates a request without a body as an empty one (400, not 415)", async () => {
    const schema = await send(base, "POST", "/schema");
    expect(schema.status).toBe(400);
    expect(schema.json()).toMatchObject({ code: "AEX_VALIDATION_FAILED" });
    const filtered = await send(base, "POST", "/filter", { headers: { "Content-Length": "0" } });
    expect(filtered.status).toBe(400);
    expect(filtered.json()).toMatchObject({ code: "AEX_FILTER_INVALID" });
  });
});

/**
 * Writes `pieces` one by one, 20 ms apart (so the server reads them as separate chunks), and
 * resolves with what the server answers before it closes.
 */
function piecewise(base: string, pieces: (string | Buffer)[]): Promise<string> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(url.port), url.hostname, async () => {
      for (const piece of pieces) {
        if (socket.destroyed) return;
        socket.write(piece);
        await new Promise((next) => setTimeout(next, 20));
      }
    });
    const chunks: Buffer[] = [];
    socket.on("data", (chunk: Buffer) => chunks.push(chunk));
    socket.on("error", reject);
    socket.on("close", () => resolve(Buffer.concat(chunks).toString("utf8")));
  });
}

/** Writes a request head and no body; resolves with what the server answers before it closes. */
function headOnly(base: string, head: string): Promise<string> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(url.port), url.hostname, () => socket.write(head));
    const chunks: Buffer[] = [];
    socket.on("data", (chunk: Buffer) => chunks.push(chunk));
    socket.on("error", reject);
    socket.on("close", () => resolve(Buffer.concat(chunks).toString("utf8")));
  });
}
