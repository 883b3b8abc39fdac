import {
  connect,
  constants as h2constants,
  type ClientHttp2Session,
  type IncomingHttpHeaders,
  type Settings,
} from "node:http2";
import { request as httpsRequest } from "node:https";
import { connect as tlsConnect, type TLSSocket } from "node:tls";
import { gunzipSync, brotliDecompressSync } from "node:zlib";
import { Aex, AexError, body, get, HttpError, post, type AexRequest, type AexResponse, type Scope } from "@aex/core";
import { compress } from "@aex/core/compress";
import { selfSignedCertificate } from "./support/tls";
import { errorCode, FRAME, getFrame, pingFrame, rawH2, resetFrame } from "./support/h2-frames";
import { lineWhere, memoryLogger } from "./support/log-lines";

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

/** Holds every request to /hold until `release()`; counts how many wait at once. */
/** Node 22 and later cut a rapid-reset burst themselves, before the guard's count is reached. */
const RUNTIME_CUTS_RESETS =
  typeof process.versions.bun !== "string" && Number(process.versions.node.split(".")[0]) >= 22;

class Holding {
  static waiting = 0;
  static most = 0;
  /** Requests to /hold whose stream the server saw close (a cancel frees its slot then). */
  static closed = 0;
  static entered: (() => void) | null = null;
  static released: Promise<void> = new Promise(() => {});

  @get("/hold")
  async hold(_req: AexRequest, res: AexResponse) {
    res.once("close", () => Holding.closed++);
    Holding.waiting++;
    Holding.most = Math.max(Holding.most, Holding.waiting);
    Holding.entered?.();
    await Holding.released;
    Holding.waiting--;
    res.end("held");
  }

  @get("/quick")
  quick(_req: AexRequest, res: AexResponse) {
    res.end("quick");
  }
}

/** Resets Holding and returns its release and a wait for `count` requests in the handler at once. */
function holding(count: number): { release: () => void; inside: Promise<void> } {
  let release!: () => void;
  let inside!: () => void;
  Holding.waiting = 0;
  Holding.most = 0;
  Holding.closed = 0;
  Holding.released = new Promise((resolve) => (release = resolve));
  const all = new Promise<void>((resolve) => (inside = resolve));
  Holding.entered = () => {
    if (Holding.waiting === count) inside();
  };
  return { release, inside: all };
}

function status(
  session: ClientHttp2Session,
  path: string,
): Promise<{ status: number; body: string; rstCode?: number }> {
  return new Promise((resolve) => {
    const stream = session.request({ ":path": path });
    let code = 0;
    let body = "";
    stream.on("response", (head) => (code = Number(head[":status"])));
    stream.setEncoding("utf8");
    stream.on("data", (chunk: string) => (body += chunk));
    stream.on("end", () => resolve({ status: code, body }));
    stream.on("error", () => resolve({ status: code, body, rstCode: stream.rstCode }));
  });
}

describe("HTTP/2 limits: start({ http2: true | { … } })", () => {
  it("advertises its bounds: 100 concurrent streams and 16 KiB of headers (node advertised 4,294,967,295 and none)", async () => {
    const aex = new Aex({ logger: false, handleSignals: false }).push(Shop);
    await aex.start(0, { host: "127.0.0.1", tls: { key, cert }, http2: true });
    const session = connect(`https://localhost:${aex.port}`, { ca: cert, host: "127.0.0.1" } as never);
    try {
      const settings = await new Promise<Settings>((resolve) => session.once("remoteSettings", resolve));
      expect(settings.maxConcurrentStreams).toBe(100);
      expect(settings.maxHeaderListSize).toBe(16 * 1024);
      expect((await h2(session, "/hello")).headers[":status"]).toBe(200);
    } finally {
      session.close();
      await aex.close();
    }
  });

  it("takes its bounds from start({ http2: { … } }), and server.maxHeaderSize for the headers", async () => {
    const aex = new Aex({ logger: false, handleSignals: false, server: { maxHeaderSize: 8192 } }).push(Shop);
    await aex.start(0, { host: "127.0.0.1", http2: { maxConcurrentStreams: 10 } });
    const session = connect(`http://127.0.0.1:${aex.port}`);
    try {
      const settings = await new Promise<Settings>((resolve) => session.once("remoteSettings", resolve));
      expect(settings.maxConcurrentStreams).toBe(10);
      expect(settings.maxHeaderListSize).toBe(8192);
    } finally {
      session.close();
      await aex.close();
    }
  });

  it("regression: serves 100 slow streams of one connection at once; a client that honours the bound waits for the rest", async () => {
    const aex = new Aex({ logger: false, handleSignals: false }).push(Holding);
    await aex.start(0, { host: "127.0.0.1", http2: true });
    const session = connect(`http://127.0.0.1:${aex.port}`);
    try {
      await new Promise((resolve) => session.once("remoteSettings", resolve));
      const { release, inside } = holding(100);
      // node's client queues what the server's SETTINGS do not allow yet.
      const answers = Array.from({ length: 150 }, () => status(session, "/hold"));
      await inside;
      expect(Holding.waiting).toBe(100);
      release();
      const all = await Promise.all(answers);
      expect(all.every((answer) => answer.status === 200 && answer.body === "held")).toBe(true);
      expect(Holding.most).toBe(100);
    } finally {
      session.close();
      await aex.close();
    }
  });

  it("regression: the 101st concurrent stream is refused (REFUSED_STREAM) while the first 100 are served", async () => {
    const aex = new Aex({ logger: false, handleSignals: false }).push(Holding);
    await aex.start(0, { host: "127.0.0.1", http2: true });
    const { release, inside } = holding(100);
    // 101 requests written at once, before the client could acknowledge the server's SETTINGS:
    // node's and Bun's own clients would queue the 101st instead.
    const client = await rawH2(aex.port!);
    try {
      client.send(Buffer.concat(Array.from({ length: 101 }, (_, i) => getFrame(1 + 2 * i, "/hold"))));
      const refused = await client.waitFor((f) => f.type === FRAME.RST_STREAM);
      expect(refused.stream).toBe(201);
      expect(errorCode(refused)).toBe(h2constants.NGHTTP2_REFUSED_STREAM);
      await inside;
      release();
      // Each of the first 100 ends with a DATA frame flagged END_STREAM.
      const ended = new Set<number>();
      await client.waitFor((f) => {
        if (f.type === FRAME.DATA && (f.flags & 1) === 1) ended.add(f.stream);
        return ended.size === 100;
      });
      expect([...ended].sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, i) => 1 + 2 * i));
      expect(client.frames.filter((f) => f.type === FRAME.HEADERS && f.stream <= 199)).toHaveLength(100);
    } finally {
      client.socket.destroy();
      await aex.close();
    }
  });

  it("regression: rapid reset (CVE-2023-44487): a client cancelling streams in bulk gets GOAWAY and is disconnected (ENHANCE_YOUR_CALM from Aex's guard; Node 22+ cuts such a burst first), others are served", async () => {
    const { logger, lines } = memoryLogger();
    const aex = new Aex({ logger, handleSignals: false }).push(Holding);
    await aex.start(0, { host: "127.0.0.1", http2: true });
    const other = connect(`http://127.0.0.1:${aex.port}`);
    const attacker = await rawH2(aex.port!, { ack: true });
    // Handlers that take their time (a database query): each cancelled stream started one, and
    // its cancel freed its slot, so the concurrent-streams bound never stops the client.
    const { release } = holding(Infinity);
    try {
      await attacker.waitFor((f) => f.type === FRAME.SETTINGS && (f.flags & 1) === 0);
      // Each request is padded to ~150 bytes so that one 64 KiB read of a loaded server holds
      // fewer than nghttp2's 1,000: within one read the guard cannot act before nghttp2 does.
      const path = `/hold?pad=${"x".repeat(110)}`; // literal() writes lengths below 127
      const burst: Buffer[] = [];
      for (let i = 0; i < 2000; i++) burst.push(getFrame(1 + 2 * i, path), resetFrame(1 + 2 * i));
      attacker.send(Buffer.concat(burst));
      const goaway = await attacker.waitFor((f) => f.type === FRAME.GOAWAY);
      // nghttp2's own limiter would have let 1,000 through and kept the connection open.
      expect(goaway.payload.readUInt32BE(0)).toBeLessThan(2 * 1000);
      await attacker.closed;
      if (RUNTIME_CUTS_RESETS) {
        // Node 22 and later close the session themselves once streams pile up past
        // maxConcurrentStreams before their cancels are processed (GOAWAY INTERNAL_ERROR).
        expect(errorCode(goaway)).toBe(h2constants.NGHTTP2_INTERNAL_ERROR);
      } else {
        expect(errorCode(goaway)).toBe(h2constants.NGHTTP2_ENHANCE_YOUR_CALM);
        const warning = await lineWhere(lines, (line) =>
          String(line.msg).startsWith("HTTP/2 client cancelled too many"),
        );
        expect(warning).toMatchObject({ level: 40, resets: 201 });
      }
      // Another connection is served all along.
      expect(await status(other, "/quick")).toEqual({ status: 200, body: "quick" });
      // The handlers the burst started are the bound the guard keeps: about maxResets.
      expect(Holding.most).toBeLessThan(2 * 200);
    } finally {
      release();
      attacker.socket.destroy();
      other.close();
      await aex.close();
    }
  });

  it("regression: rapid reset paced below every runtime's own limits still meets Aex's guard: GOAWAY ENHANCE_YOUR_CALM, on every Node line", async () => {
    const { logger, lines } = memoryLogger();
    const aex = new Aex({ logger, handleSignals: false }).push(Holding);
    await aex.start(0, { host: "127.0.0.1", http2: true });
    const attacker = await rawH2(aex.port!, { ack: true });
    const { release } = holding(Infinity);
    try {
      await attacker.waitFor((f) => f.type === FRAME.SETTINGS && (f.flags & 1) === 0);
      // Slices of 50 GET + RST pairs, each acknowledged (a PING after it) before the next:
      // streams never pile up past maxConcurrentStreams, where Node 22+ cuts by itself.
      let stream = 1;
      for (let slice = 0; slice < 10 && !attacker.frames.some((f) => f.type === FRAME.GOAWAY); slice++) {
        const frames: Buffer[] = [];
        for (let i = 0; i < 50; i++, stream += 2) frames.push(getFrame(stream, "/hold"), resetFrame(stream));
        attacker.send(Buffer.concat([...frames, pingFrame(slice)]));
        await attacker.waitFor(
          (f) =>
            f.type === FRAME.GOAWAY ||
            (f.type === FRAME.PING && (f.flags & 1) === 1 && f.payload.readUInt32BE(4) === slice),
        );
      }
      const goaway = await attacker.waitFor((f) => f.type === FRAME.GOAWAY);
      expect(errorCode(goaway)).toBe(h2constants.NGHTTP2_ENHANCE_YOUR_CALM);
      const warning = await lineWhere(lines, (line) => String(line.msg).startsWith("HTTP/2 client cancelled too many"));
      expect(warning).toMatchObject({ level: 40, resets: 201 });
      await attacker.closed;
    } finally {
      release();
      attacker.socket.destroy();
      await aex.close();
    }
  });

  it("lets a browser-like client cancel a page's worth of streams without being cut", async () => {
    const aex = new Aex({ logger: false, handleSignals: false }).push(Holding);
    await aex.start(0, { host: "127.0.0.1", http2: true });
    const session = connect(`http://127.0.0.1:${aex.port}`);
    try {
      await new Promise((resolve) => session.once("remoteSettings", resolve));
      const { release, inside } = holding(100);
      const streams = Array.from({ length: 100 }, () => session.request({ ":path": "/hold" }));
      for (const stream of streams) stream.on("error", () => {});
      await inside;
      // Navigating away: every open request is cancelled at once.
      await Promise.all(
        streams.map(
          (stream) => new Promise((resolve) => stream.close(h2constants.NGHTTP2_CANCEL, () => resolve(null))),
        ),
      );
      // node counts a stream against maxConcurrentStreams until its JavaScript side is closed:
      // wait for the server to have seen the 100 cancels, as it does at once when idle.
      for (let turns = 0; Holding.closed < 100 && turns < 1000; turns++) await new Promise((r) => setTimeout(r, 5));
      expect(Holding.closed).toBe(100);
      release();
      expect(await status(session, "/quick")).toEqual({ status: 200, body: "quick" });
      expect(session.closed).toBe(false);
    } finally {
      session.close();
      await aex.close();
    }
  });

  it("resets a stream whose headers are over maxHeaderListSize (ENHANCE_YOUR_CALM); the connection serves on", async () => {
    const aex = new Aex({ logger: false, handleSignals: false }).push(Shop);
    await aex.start(0, { host: "127.0.0.1", http2: true });
    const session = connect(`http://127.0.0.1:${aex.port}`);
    try {
      await new Promise((resolve) => session.once("remoteSettings", resolve));
      const big = await new Promise<number | undefined>((resolve) => {
        const stream = session.request({ ":path": "/hello", "x-big": "b".repeat(17 * 1024) });
        stream.on("error", () => resolve(stream.rstCode));
        stream.on("response", () => resolve(-1));
      });
      expect(big).toBe(h2constants.NGHTTP2_ENHANCE_YOUR_CALM);
      expect((await h2(session, "/hello")).body.toString()).toBe("hello over HTTP/2.0");
    } finally {
      session.close();
      await aex.close();
    }
  });

  it.each([
    [{ maxConcurrentStreams: 0 }],
    [{ maxResets: -1 }],
    [{ resetWindow: 1.5 }],
    [{ maxSessionMemory: "10" }],
    [{ maxStreams: 100 }],
  ])("refuses http2: %j with AEX_ERR_START_OPTIONS", async (http2) => {
    const aex = new Aex({ logger: false, handleSignals: false });
    const error = await aex.start(0, { host: "127.0.0.1", http2: http2 as never }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AexError);
    expect((error as AexError).code).toBe("AEX_ERR_START_OPTIONS");
    expect(aex.server?.listening ?? false).toBe(false);
  });
});

/** A TLS connection that speaks HTTP/1.1 (ALPN), as curl without --http2 or a WebSocket client. */
function http1OverTls(port: number): Promise<{ socket: TLSSocket; received: () => string; closed: Promise<void> }> {
  return new Promise((resolve, reject) => {
    let text = "";
    const socket = tlsConnect(
      { port, host: "127.0.0.1", servername: "localhost", ca: cert, ALPNProtocols: ["http/1.1"] },
      () => resolve({ socket, received: () => text, closed }),
    );
    const closed = new Promise<void>((done) => socket.once("close", () => done()));
    socket.setEncoding("utf8");
    socket.on("data", (chunk: string) => (text += chunk));
    socket.on("error", reject);
  });
}

describe("HTTP/1.1 on the HTTP/2 port (start({ tls, http2: true }))", () => {
  const aex = new Aex({
    logger: false,
    handleSignals: false,
    server: { headersTimeout: 300, keepAliveTimeout: 200 },
  }).push(Shop);
  aex.attachUpgrade("/live", (_req, res) => {
    // Takes the socket as a WebSocket handler would, and echoes what comes.
    const socket = res.socket!;
    socket.write("HTTP/1.1 101 Switching Protocols\r\nUpgrade: echo\r\nConnection: Upgrade\r\n\r\n");
    socket.on("data", (chunk) => socket.write(chunk));
    return false;
  });
  beforeAll(() => aex.start(0, { host: "127.0.0.1", tls: { key, cert }, http2: true }));
  afterAll(() => aex.close());

  it("regression: slowloris: headers not complete within headersTimeout get 408 and the connection closes", async () => {
    const client = await http1OverTls(aex.port!);
    expect(client.socket.alpnProtocol).toBe("http/1.1");
    // Never finishes its headers (node's HTTP/2 server used to keep this connection forever).
    client.socket.write("GET /hello HTTP/1.1\r\nHost: localhost\r\nX-Slow: 1\r\n");
    await client.closed;
    expect(client.received()).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
  });

  it("regression: an idle kept-alive connection is closed after keepAliveTimeout, its answer whole", async () => {
    const client = await http1OverTls(aex.port!);
    client.socket.write("GET /hello HTTP/1.1\r\nHost: localhost\r\n\r\n");
    await client.closed;
    const text = client.received();
    expect(text).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(text.endsWith("\r\n\r\nhello over HTTP/1.1")).toBe(true);
    expect(text).not.toContain("408");
  });

  it("leaves an upgraded connection to its handler past headersTimeout", async () => {
    const upgraded = await http1OverTls(aex.port!);
    upgraded.socket.write("GET /live HTTP/1.1\r\nHost: localhost\r\nUpgrade: echo\r\nConnection: Upgrade\r\n\r\n");
    // A slow client opened after it is cut after headersTimeout: by then the upgraded one's timer ran too.
    const slow = await http1OverTls(aex.port!);
    slow.socket.write("GET /hello HTTP/1.1\r\n");
    await slow.closed;
    expect(slow.received()).toMatch(/^HTTP\/1\.1 408 /);
    const echoed = new Promise<void>((resolve) =>
      upgraded.socket.on("data", () => upgraded.received().endsWith("ping") && resolve()),
    );
    upgraded.socket.write("ping");
    await echoed;
    expect(upgraded.received()).toMatch(/^HTTP\/1\.1 101 Switching Protocols\r\n/);
    upgraded.socket.destroy();
  });
});

describe("HTTP/2 idle connections (http2.idleTimeout)", () => {
  it("regression: a connection with no stream open is closed after idleTimeout with GOAWAY; one with an open stream stays", async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    class Waiting {
      @get("/wait")
      async wait(_req: AexRequest, res: AexResponse) {
        await held;
        res.end("waited");
      }
    }
    const aex = new Aex({ logger: false, handleSignals: false, handlerTimeout: 0 }).push(Waiting);
    await aex.start(0, { host: "127.0.0.1", http2: { idleTimeout: 200 } });
    const busy = connect(`http://127.0.0.1:${aex.port}`);
    const waiting = new Promise<string>((resolve) => {
      const stream = busy.request({ ":path": "/wait" });
      let body = "";
      stream.setEncoding("utf8");
      stream.on("data", (chunk: string) => (body += chunk));
      stream.on("end", () => resolve(body));
    });
    await new Promise((resolve) => busy.once("remoteSettings", resolve));
    const idle = connect(`http://127.0.0.1:${aex.port}`);
    try {
      const goaway = new Promise<number>((resolve) => idle.once("goaway", (code: number) => resolve(code)));
      await new Promise((resolve) => idle.once("close", resolve));
      expect(await goaway).toBe(h2constants.NGHTTP2_NO_ERROR);
      expect(busy.closed).toBe(false);
      release();
      expect(await waiting).toBe("waited");
    } finally {
      busy.close();
      idle.destroy();
      await aex.close();
    }
  });
});
