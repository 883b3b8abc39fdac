import { connect, type ClientHttp2Session, type IncomingHttpHeaders } from "node:http2";
import { request as httpsRequest } from "node:https";
import { gunzipSync, brotliDecompressSync } from "node:zlib";
import {
  Aex,
  AexError,
  body,
  compress,
  get,
  HttpError,
  post,
  type AexRequest,
  type AexResponse,
  type Scope,
} from "@aex/core";
import { selfSignedCertificate } from "./support/tls";

const { key, cert } = selfSignedCertificate();
const big = { rows: Array.from({ length: 100 }, (_, i) => ({ id: i, label: `row ${i}` })) };

class Shop {
  @get("/hello")
  hello(req: AexRequest, res: AexResponse) {
    res.send(`hello over HTTP/${req.httpVersion}`);
  }

  @get("/items/:id")
  item(req: AexRequest, res: AexResponse, scope: Scope) {
    res.status(200).json({ id: req.params.id, same: scope.params.id === req.params.id, host: req.get("host") });
  }

  @post("/items")
  @body("json")
  create(req: AexRequest, res: AexResponse) {
    res.cookies.set("last", String(req.body.name));
    res.status(201).set("X-Created", "yes").json({ created: req.body.name });
  }

  @get("/old")
  old(_req: AexRequest, res: AexResponse) {
    res.redirect("/hello", 301);
  }

  @get("/saved")
  saved(_req: AexRequest, res: AexResponse) {
    res.beforeEnd(async () => res.setHeader("X-Saved", "later"));
    res.end("saved");
  }

  @get("/big")
  big(_req: AexRequest, res: AexResponse) {
    res.json(big);
  }

  @get("/stream")
  stream(_req: AexRequest, res: AexResponse) {
    res.type("text/plain");
    for (let i = 0; i < 40; i++) res.write(`chunk ${i} ${"=".repeat(80)}\n`);
    res.end();
  }

  @get("/fail")
  fail() {
    throw new Error("boom");
  }
}

interface H2Response {
  headers: IncomingHttpHeaders;
  body: Buffer;
}

function h2(
  session: ClientHttp2Session,
  path: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<H2Response> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { ":path": path, ":method": options.method ?? "GET", ...options.headers };
    if (options.body !== undefined) headers["content-length"] = String(Buffer.byteLength(options.body));
    const stream = session.request(headers);
    const chunks: Buffer[] = [];
    let head: IncomingHttpHeaders = {};
    stream.on("response", (h) => (head = h));
    stream.on("data", (chunk: Buffer) => chunks.push(chunk));
    stream.on("end", () => resolve({ headers: head, body: Buffer.concat(chunks) }));
    stream.on("error", reject);
    stream.end(options.body);
  });
}

function https1(
  port: number,
  path: string,
): Promise<{ status: number; version: string; headers: IncomingHttpHeaders; text: string }> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      { host: "127.0.0.1", port, path, ca: cert, servername: "localhost", agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            version: res.httpVersion,
            headers: res.headers,
            text: Buffer.concat(chunks).toString(),
          }),
        );
      },
    );
    req.on("error", reject);
    req.end();
  });
}

describe("aex.start(port, { tls, http2: true })", () => {
  const aex = new Aex({ production: true }).use(compress()).push(Shop);
  let session: ClientHttp2Session;

  beforeAll(async () => {
    await aex.start(0, { host: "127.0.0.1", tls: { key, cert }, http2: true });
    session = connect(`https://localhost:${aex.port}`, { ca: cert, host: "127.0.0.1" } as never);
    await new Promise((resolve) => session.once("connect", resolve));
  });
  afterAll(async () => {
    session.close();
    await aex.close();
  });

  it("negotiates h2 by ALPN and runs the same handlers", async () => {
    expect(session.alpnProtocol).toBe("h2");
    const res = await h2(session, "/hello");
    expect(res.headers[":status"]).toBe(200);
    expect(res.headers["content-type"]).toBe("text/plain; charset=utf-8");
    expect(res.body.toString()).toBe("hello over HTTP/2.0");
  });

  it("gives handlers req.params, scope.params, res.status and res.json; Host comes from :authority", async () => {
    const res = await h2(session, "/items/42");
    expect(res.headers[":status"]).toBe(200);
    expect(res.headers["content-type"]).toBe("application/json; charset=utf-8");
    expect(JSON.parse(res.body.toString())).toEqual({ id: "42", same: true, host: `localhost:${aex.port}` });
  });

  it("parses bodies and sets cookies and headers", async () => {
    const res = await h2(session, "/items", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: "lamp" }),
    });
    expect(res.headers[":status"]).toBe(201);
    expect(res.headers["x-created"]).toBe("yes");
    expect(res.headers["set-cookie"]).toEqual(["last=lamp; Path=/"]);
    expect(JSON.parse(res.body.toString())).toEqual({ created: "lamp" });
  });

  it("answers a malformed body 400 with its code, and keeps serving", async () => {
    const res = await h2(session, "/items", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{nope",
    });
    expect(res.headers[":status"]).toBe(400);
    expect(JSON.parse(res.body.toString()).code).toBe("AEX_BODY_INVALID");
    expect((await h2(session, "/hello")).headers[":status"]).toBe(200);
  });

  it("redirects, runs beforeEnd tasks, answers 404 and 500 the same way", async () => {
    const moved = await h2(session, "/old");
    expect(moved.headers[":status"]).toBe(301);
    expect(moved.headers.location).toBe("/hello");
    const saved = await h2(session, "/saved");
    expect(saved.headers["x-saved"]).toBe("later");
    expect(saved.body.toString()).toBe("saved");
    const missing = await h2(session, "/nowhere");
    expect(missing.headers[":status"]).toBe(404);
    expect(JSON.parse(missing.body.toString()).code).toBe("AEX_NOT_FOUND");
    const failed = await h2(session, "/fail");
    expect(failed.headers[":status"]).toBe(500);
    const problem = JSON.parse(failed.body.toString());
    expect(problem).toMatchObject({ status: 500, title: "Internal Server Error", code: "AEX_INTERNAL" });
    // Nothing internal reaches the client outside dev mode.
    expect(problem.detail).toBeUndefined();
    expect(problem.stack).toBeUndefined();
  });

  it("compresses over HTTP/2, whole and streamed", async () => {
    const whole = await h2(session, "/big", { headers: { "accept-encoding": "br" } });
    expect(whole.headers["content-encoding"]).toBe("br");
    expect(whole.headers.vary).toBe("Accept-Encoding");
    expect(JSON.parse(brotliDecompressSync(whole.body).toString())).toEqual(big);
    const streamed = await h2(session, "/stream", { headers: { "accept-encoding": "gzip" } });
    expect(streamed.headers["content-encoding"]).toBe("gzip");
    expect(gunzipSync(streamed.body).toString().split("\n")[39]).toBe(`chunk 39 ${"=".repeat(80)}`);
  });

  it("serves HTTP/1.1 clients (no ALPN h2) on the same port", async () => {
    const res = await https1(aex.port!, "/items/7");
    expect(res.status).toBe(200);
    expect(res.version).toBe("1.1");
    expect(JSON.parse(res.text)).toEqual({ id: "7", same: true, host: `127.0.0.1:${aex.port}` });
    expect((await https1(aex.port!, "/hello")).text).toBe("hello over HTTP/1.1");
  });
});

describe("aex.start({ port, tls }) (HTTPS, HTTP/1.1 only)", () => {
  const aex = new Aex().push(Shop);
  beforeAll(() => aex.start({ port: 0, host: "127.0.0.1", tls: { key, cert } }));
  afterAll(() => aex.close());

  it("serves HTTPS", async () => {
    const res = await https1(aex.port!, "/hello");
    expect(res.status).toBe(200);
    expect(res.text).toBe("hello over HTTP/1.1");
  });
});

describe("aex.start(port, { http2: true }) without TLS (h2c)", () => {
  const aex = new Aex().push(Shop);
  beforeAll(() => aex.start(0, { host: "127.0.0.1", http2: true }));
  afterAll(() => aex.close());

  it("serves cleartext HTTP/2 to a client that knows", async () => {
    const session = connect(`http://127.0.0.1:${aex.port}`);
    const res = await h2(session, "/items/3");
    session.close();
    expect(res.headers[":status"]).toBe(200);
    expect(JSON.parse(res.body.toString())).toEqual({ id: "3", same: true, host: `127.0.0.1:${aex.port}` });
  });
});

describe("aex.close() with HTTP/2", () => {
  it("closes while a client keeps its session open, finishing the open stream", async () => {
    let release!: () => void;
    let entered!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const inHandler = new Promise<void>((resolve) => (entered = resolve));
    class Slow {
      @get("/slow")
      async slow(_req: AexRequest, res: AexResponse) {
        entered();
        await held;
        res.end("finished");
      }
    }
    const aex = new Aex().push(Slow);
    await aex.start(0, { host: "127.0.0.1", tls: { key, cert }, http2: true });
    const session = connect(`https://localhost:${aex.port}`, { ca: cert, host: "127.0.0.1" } as never);
    const pending = h2(session, "/slow");
    await inHandler;
    const closed = aex.close();
    release();
    const res = await pending;
    await closed;
    expect(res.headers[":status"]).toBe(200);
    expect(res.body.toString()).toBe("finished");
    expect(aex.server!.listening).toBe(false);
    session.destroy();
  });
});

describe("aex.start() option errors", () => {
  it.each([[{ tls: { key } }], [{ tls: "cert.pem" }], [{ http2: "yes" }], [{ port: -1 }], [{ port: 70000 }]])(
    "refuses %j with AEX_ERR_START_OPTIONS",
    async (options) => {
      const aex = new Aex();
      const error = await aex.start(options as never).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AexError);
      expect((error as AexError).code).toBe("AEX_ERR_START_OPTIONS");
      expect(aex.server?.listening ?? false).toBe(false);
    },
  );

  it("still reads start(port, ip, prepare)", async () => {
    const aex = new Aex().push(Shop);
    await aex.start(0, "127.0.0.1", true);
    expect(aex.port).toBeGreaterThan(0);
    await aex.close();
  });
});

class Patient {
  @get("/never")
  never() {}

  @get("/later")
  later(_req: AexRequest, res: AexResponse) {
    setImmediate(() => res.end("later"));
  }
}

describe("the handler timeout over HTTP/2", () => {
  it("answers 503 for a handler that never answers, and leaves alone one that answers later", async () => {
    const aex = new Aex({ production: true, logger: false, handlerTimeout: 100 }).push(Patient);
    await aex.start(0, { host: "127.0.0.1", tls: { key, cert }, http2: true });
    const session = connect(`https://localhost:${aex.port}`, { ca: cert, host: "127.0.0.1" } as never);
    try {
      for (let i = 0; i < 3; i++) {
        const later = await h2(session, "/later");
        expect(later.headers[":status"]).toBe(200);
        expect(later.body.toString()).toBe("later");
      }
      const never = await h2(session, "/never");
      expect(never.headers[":status"]).toBe(503);
      expect(never.headers["content-type"]).toBe("application/problem+json; charset=utf-8");
      expect(JSON.parse(never.body.toString())).toMatchObject({ status: 503, code: "AEX_HANDLER_TIMEOUT" });
    } finally {
      session.close();
      await aex.close();
    }
  });
});

class Saving {
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
}

// The same beforeEnd rules as HTTP/1 (problem.test.ts): one ending helper serves both.
describe("beforeEnd tasks over HTTP/2", () => {
  it("answers a task that throws at once through the error path, and sends what tasks set", async () => {
    const seen: string[] = [];
    const aex = new Aex({ logger: false }).push(Saving);
    aex.setErrorHandler((error) => {
      seen.push(String(error.code));
    });
    await aex.start(0, { host: "127.0.0.1", tls: { key, cert }, http2: true });
    const session = connect(`https://localhost:${aex.port}`, { ca: cert, host: "127.0.0.1" } as never);
    try {
      const down = await h2(session, "/store-down-sync");
      expect(down.headers[":status"]).toBe(503);
      expect(JSON.parse(down.body.toString())).toMatchObject({ status: 503, code: "STORE_DOWN" });
      expect(down.body.toString()).not.toContain("never sent");
      expect(seen).toEqual(["STORE_DOWN"]);
      const saved = await h2(session, "/sync-task");
      expect(saved.headers[":status"]).toBe(200);
      expect(saved.body.toString()).toBe("sent");
      expect(saved.headers["x-saved"]).toBe("at once");
      expect(saved.headers["x-saved-later"]).toBe("after a tick");
    } finally {
      session.close();
      await aex.close();
    }
  });
});
