// The surfaces added since the last security review, attacked from outside as a hostile client
// would: resumable SSE (Last-Event-ID probes, reconnects, channels named by the client),
// aex.fetch(request) under Node's undici Request, @controller / basePath prefixes under path
// variants, and the documents the openapi and asyncapi plugins serve. Each bad input gets a
// clear answer (a 4xx with problem details and an AEX_* code, or a refetch event), the server
// keeps serving, and nothing is left behind.
import {
  Aex,
  controller,
  EventStream,
  get,
  HttpError,
  inject,
  MemoryReplayStore,
  post,
  RedisReplayStore,
  sse,
  body,
  type AexRequest,
  type AexResponse,
  type ReplayStore,
  type Scope,
} from "@aex/core";
import { openapi } from "@aex/openapi";
import { asyncapi } from "@aex/asyncapi";
import { createClient } from "redis";
import { startRedis, type RedisServer } from "../../../session/test/support/redis-server";

const isBun = typeof process.versions.bun === "string";

const BASE = "http://localhost";

/** Reads a streamed body as text until `stop` holds (or it ends), then cancels it. */
async function readUntil(res: Response, stop: (text: string) => boolean): Promise<string> {
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let text = "";
  while (!stop(text)) {
    const { done, value } = await reader.read();
    if (done) break;
    text += decoder.decode(value, { stream: true });
  }
  await reader.cancel();
  return text;
}

/** Asserts a problem-details answer with `code`, security headers and a request id. */
async function expectProblem(res: Response, status: number, code: string): Promise<void> {
  expect(res.status).toBe(status);
  expect(res.headers.get("content-type")).toBe("application/problem+json; charset=utf-8");
  expect(res.headers.get("x-content-type-options")).toBe("nosniff");
  expect(res.headers.get("x-request-id")).toMatch(/^\w+-\w+$/);
  expect(await res.json()).toMatchObject({ status, code });
}

const logsOf = (store: MemoryReplayStore) =>
  (store as unknown as { logs: Map<string, { listeners: Set<unknown> }> }).logs;

function replayApp(store: ReplayStore): Aex {
  class News {
    @sse("/news", { heartbeat: 0, replay: store })
    news(stream: EventStream) {
      stream.send("caught-up", { lastEventId: stream.lastEventId ?? null });
    }

    @sse("/rooms/:room", { heartbeat: 0, replay: { store, channel: (scope: Scope) => `room:${scope.params.room}` } })
    room(stream: EventStream) {
      stream.send("in", null);
    }
  }
  return new Aex({ logger: false }).push(News);
}

const news = (aex: Aex, lastEventId?: string) =>
  aex.fetch(
    new Request(`${BASE}/news`, { headers: lastEventId === undefined ? {} : { "last-event-id": lastEventId } }),
  );

describe("resumable SSE: Last-Event-ID probes (MemoryReplayStore)", () => {
  let store: MemoryReplayStore;
  let aex: Aex;
  beforeEach(async () => {
    store = new MemoryReplayStore({ size: 3 });
    aex = replayApp(store);
    for (let n = 1; n <= 4; n++) await store.publish("/news", "headline", { n });
  });
  afterEach(() => aex.close());

  it.each<[string, string]>([
    ["over 1024 bytes", "1".repeat(1025)],
    ["10 KB", "7".repeat(10 * 1024)],
    ["not UTF-8", "\u00ff\u00fe"],
    ["with a control character", "3\u0001"],
  ])("an id %s is 400 AEX_SSE_LAST_EVENT_ID", async (_, id) => {
    await expectProblem(await news(aex, id), 400, "AEX_SSE_LAST_EVENT_ID");
  });

  it.each<[string, string]>([
    ["of the other store's format", "1733515200000-0"],
    ["ahead of the head", "5"],
    ["far ahead of the head", "9999999999999999"],
    ["with an empty seq", "1-"],
    ["negative", "-3"],
    ["with a seq", "3-7"],
  ])("an id %s gets refetch (unknown), then the stream goes on", async (_, id) => {
    const res = await news(aex, id);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/event-stream; charset=utf-8");
    const text = await readUntil(res, (t) => t.includes("caught-up"));
    expect(text).toBe(
      `event: refetch\nid: 4\ndata: ${JSON.stringify({ reason: "unknown", lastEventId: id })}\n\n` +
        `event: caught-up\ndata: ${JSON.stringify({ lastEventId: id })}\n\n`,
    );
  });

  it("an id with leading zeros names the counter it spells; 0 on a trimmed log is trimmed", async () => {
    const text = await readUntil(await news(aex, "0003"), (t) => t.includes("caught-up"));
    expect(text).toBe('event: headline\nid: 4\ndata: {"n":4}\n\nevent: caught-up\ndata: {"lastEventId":"0003"}\n\n');
    const zero = await readUntil(await news(aex, "0"), (t) => t.includes("caught-up"));
    expect(zero).toMatch(/^event: refetch\nid: 4\ndata: \{"reason":"trimmed","lastEventId":"0"\}\n\n/);
  });

  it("300 reconnects leave no listener behind, and the next client is served", async () => {
    for (let n = 0; n < 300; n++) {
      const text = await readUntil(await news(aex, String(1 + (n % 4))), (t) => t.includes("caught-up"));
      expect(text).toContain("caught-up");
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(logsOf(store).get("/news")!.listeners.size).toBe(0);
    const text = await readUntil(await news(aex), (t) => t.includes("caught-up"));
    expect(text).toBe('id: 4\n\nevent: caught-up\ndata: {"lastEventId":null}\n\n');
  });

  it("channels named by the client (1,000 rooms) are forgotten once their streams end", async () => {
    for (let n = 0; n < 1000; n++) {
      const res = await aex.fetch(new Request(`${BASE}/rooms/r${n}%0Aid:%205`));
      expect(res.status).toBe(200);
      expect(await readUntil(res, (t) => t.includes("event: in"))).toBe("id: 0\n\nevent: in\ndata: null\n\n");
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect([...logsOf(store).keys()]).toEqual(["/news"]);
  });
});

describe("resumable SSE: made-up ids on a RedisReplayStore", () => {
  let redis: RedisServer;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(() => redis.stop());

  it("an id whose digits a Lua number cannot hold gets refetch, not the 'log unavailable' retry", async () => {
    const client = createClient({ url: redis.url });
    client.on("error", () => undefined);
    const store = new RedisReplayStore(client, { prefix: `probe:${Date.now()}:` });
    const aex = replayApp(store);
    try {
      await aex.start(0, "127.0.0.1");
      const first = await store.publish("/news", "headline", { n: 1 });
      const head = await store.publish("/news", "headline", { n: 2 });
      const ms = first.split("-")[0]!;
      for (const id of [`${ms}-123456789012345`, `${ms}-99999999999999999`, `1-${"9".repeat(500)}`, "x", "1-"]) {
        const text = await readUntil(await news(aex, id), (t) => t.includes("caught-up"));
        expect(text).toBe(
          `event: refetch\nid: ${head}\ndata: ${JSON.stringify({ reason: "unknown", lastEventId: id })}\n\n` +
            `event: caught-up\ndata: ${JSON.stringify({ lastEventId: id })}\n\n`,
        );
      }
      const text = await readUntil(await news(aex, `000${first}`), (t) => t.includes("caught-up"));
      expect(text).toBe(
        `event: headline\nid: ${head}\ndata: {"n":2}\n\nevent: caught-up\ndata: {"lastEventId":"000${first}"}\n\n`,
      );
    } finally {
      await aex.close();
      if (client.isOpen) await client.close(); // the store closed it with the app
    }
  });
});

class Files {
  @get("/files/:name")
  one(_req: AexRequest, res: AexResponse, scope: Scope) {
    res.json({ name: scope.params.name });
  }

  @post("/upload")
  @body("json", { limit: "1kb" })
  upload(_req: AexRequest, res: AexResponse, scope: Scope) {
    res.json({ got: scope.body });
  }

  @get("/echo-headers")
  headers(req: AexRequest, res: AexResponse) {
    res.json({ a: req.headers["x-a"] ?? null, host: req.headers.host });
  }
}

describe("aex.fetch(request) under Node's undici Request", () => {
  let aex: Aex;
  beforeAll(() => {
    aex = new Aex({ logger: false }).push(Files);
  });
  afterAll(() => aex.close());

  it("a URL without a path is /; //x is a path of its own, never another origin", async () => {
    await expectProblem(await aex.fetch(new Request("http://localhost")), 404, "AEX_NOT_FOUND");
    const res = await aex.fetch(new Request("http://localhost//evil.example/files/x"));
    await expectProblem(res, 404, "AEX_NOT_FOUND");
    expect(res.headers.get("location")).toBeNull();
  });

  it("an encoded slash stays in its parameter; a malformed escape is 400", async () => {
    const res = await aex.fetch(new Request(`${BASE}/files/a%2Fb`));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ name: "a/b" });
    await expectProblem(await aex.fetch(new Request(`${BASE}/files/a%E0%A4%A`)), 400, "AEX_PARAM_MALFORMED");
  });

  it("a very long URL: a parameter over maxParamLength is 414, a long unknown path 404", async () => {
    await expectProblem(await aex.fetch(new Request(`${BASE}/files/${"a".repeat(600)}`)), 414, "AEX_PARAM_TOO_LONG");
    await expectProblem(await aex.fetch(new Request(`${BASE}/${"b/".repeat(50_000)}`)), 404, "AEX_NOT_FOUND");
  });

  it("duplicate header names reach the handler joined, as node joins them", async () => {
    const res = await aex.fetch(
      new Request(`${BASE}/echo-headers`, {
        headers: [
          ["x-a", "1"],
          ["x-a", "2"],
        ],
      }),
    );
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ a: "1, 2", host: "localhost" });
  });

  it("a body over the limit is 413, with and without Content-Length", async () => {
    const big = JSON.stringify({ text: "x".repeat(4096) });
    const sized = await aex.fetch(
      new Request(`${BASE}/upload`, { method: "POST", headers: { "content-type": "application/json" }, body: big }),
    );
    await expectProblem(sized, 413, "AEX_BODY_TOO_LARGE");
    const chunks = [new TextEncoder().encode(big.slice(0, 2000)), new TextEncoder().encode(big.slice(2000))];
    const streamed = new ReadableStream<Uint8Array>({
      pull(controller) {
        const chunk = chunks.shift();
        if (chunk === undefined) controller.close();
        else controller.enqueue(chunk);
      },
    });
    const unsized = await aex.fetch(
      new Request(`${BASE}/upload`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: streamed,
        duplex: "half",
      } as RequestInit),
    );
    await expectProblem(unsized, 413, "AEX_BODY_TOO_LARGE");
  });

  it("a body stream that errors gets a 400 and the app serves the next request", async () => {
    let sent = false;
    const failing = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (!sent) {
          sent = true;
          controller.enqueue(new TextEncoder().encode('{"text":'));
        } else controller.error(new Error("client went away"));
      },
    });
    const res = await aex.fetch(
      new Request(`${BASE}/upload`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: failing,
        duplex: "half",
      } as RequestInit),
    );
    await expectProblem(res, 400, "AEX_BODY_ABORTED");
    const next = await aex.fetch(new Request(`${BASE}/files/ok`));
    expect(await next.json()).toEqual({ name: "ok" });
  });

  it("a request whose signal aborts mid-body gets 400 AEX_BODY_ABORTED at once, not a 408 after the idle timeout", async () => {
    const abort = new AbortController();
    const never = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('{"a":'));
      },
    });
    const pending = aex.fetch(
      new Request(`${BASE}/upload`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: never,
        duplex: "half",
        signal: abort.signal,
      } as RequestInit),
    );
    setTimeout(() => abort.abort(), 20);
    // Before the fix: 408 AEX_BODY_TIMEOUT after bodyIdleTimeout (10 s).
    await expectProblem(await pending, 400, "AEX_BODY_ABORTED");
  });

  it("CONNECT, TRACE and TRACK are refused by undici's Request and answered 405 where a runtime makes them (Bun); an unknown method is answered", async () => {
    for (const method of ["CONNECT", "TRACE", "TRACK"]) {
      let request: Request;
      try {
        request = new Request(`${BASE}/files/x`, { method });
      } catch (error) {
        expect(isBun).toBe(false);
        expect(String(error)).toMatch(/unsupported/);
        continue;
      }
      if (request.method !== method) {
        // Bun 1.4's Request makes a TRACK request a GET (its method table has no TRACK).
        expect({ isBun, method, made: request.method }).toEqual({ isBun: true, method: "TRACK", made: "GET" });
        continue;
      }
      const answer = await aex.fetch(request);
      await expectProblem(answer, 405, "AEX_METHOD_NOT_ALLOWED");
    }
    const unknown = await aex.fetch(new Request(`${BASE}/files/x`, { method: "PROPFIND" }));
    await expectProblem(unknown, 405, "AEX_METHOD_NOT_ALLOWED");
    expect(unknown.headers.get("allow")).toContain("GET");
  });
});

const allowed = (req: AexRequest) => req.headers.authorization === "Bearer yes";

@controller("/admin/")
class Admin {
  @get("/secret")
  @inject(async (req: AexRequest) => {
    if (!allowed(req)) throw new HttpError(401, "who are you", { code: "AEX_UNAUTHORIZED" });
  })
  secret(_req: AexRequest, res: AexResponse) {
    res.end("the secret");
  }
}

@controller("/caf\u00e9")
class Cafe {
  @get("/menu")
  menu(_req: AexRequest, res: AexResponse) {
    res.end("menu");
  }
}

describe("@controller(prefix) and basePath under path variants", () => {
  it.each([
    ["/admin/secret", "GET"],
    ["/admin/secret/", "GET"],
    ["/admin/secret?x=1", "GET"],
    ["/admin/secret", "HEAD"],
  ])("the class's guard holds on %s (%s)", async (path, method) => {
    const client = new Aex({ logger: false }).push(Admin).inject();
    const res = await client.request(method, path);
    expect(res.status).toBe(401);
    if (method === "GET") expect(res.json()).toMatchObject({ status: 401, code: "AEX_UNAUTHORIZED" });
    const ok = await client.request(method, path).set("authorization", "Bearer yes");
    expect(ok.status).toBe(200);
    expect(ok.text()).toBe(method === "HEAD" ? "" : "the secret");
  });

  it.each([
    "/ADMIN/secret",
    "/%61dmin/secret",
    "/admin%2Fsecret",
    "/admin//secret",
    "//admin/secret",
    "/admin/./secret",
  ])("%s does not reach the guarded route: 404", async (path) => {
    const client = new Aex({ logger: false }).push(Admin).inject();
    const res = await client.get(path);
    expect(res.status).toBe(404);
    expect(res.json()).toMatchObject({ status: 404, code: "AEX_NOT_FOUND" });
  });

  it("a prefix with a trailing slash or a non-ASCII character, under basePath '/v1/'", async () => {
    const aex = new Aex({ logger: false, basePath: "/v1/" }).push(Admin).push(Cafe);
    expect(aex.routes().map((r) => `${r.method} ${r.path}`)).toEqual(
      expect.arrayContaining(["GET /v1/admin/secret", expect.stringMatching(/^GET \/v1\/caf(é|%C3%A9)\/menu$/)]),
    );
    const client = aex.inject();
    expect((await client.get("/v1/admin/secret")).status).toBe(401);
    expect((await client.get("/v1/caf%C3%A9/menu")).text()).toBe("menu");
    expect((await client.get("/admin/secret")).status).toBe(404);
  });

  it("a prefix with a double slash (an empty segment) or a parameter is refused at setup", () => {
    for (const prefix of ["/a//b", "//a", "/a//", "/a/:id", "/a/*"])
      expect(() => controller(prefix)).toThrow(expect.objectContaining({ code: "AEX_ERR_DECORATOR_ARGS" }));
    expect(() => new Aex({ basePath: "v1" })).toThrow(expect.objectContaining({ code: "AEX_ERR_OPTIONS" }));
    expect(() => new Aex({ basePath: "/v:x" })).toThrow(expect.objectContaining({ code: "AEX_ERR_OPTIONS" }));
  });
});

class Docs {
  @get("/notes")
  notes(_req: AexRequest, res: AexResponse) {
    res.json([]);
  }

  @sse("/feed", { heartbeat: 0 })
  feed(_stream: EventStream) {}
}

describe("the documents the openapi and asyncapi plugins serve", () => {
  let aex: Aex;
  let base: string;
  beforeAll(async () => {
    aex = new Aex({ logger: false }).push(Docs);
    aex.register(openapi({ info: { title: "Notes", version: "1.0.0" } }));
    aex.register(asyncapi({ info: { title: "Notes", version: "1.0.0" } }));
    await aex.start(0, "127.0.0.1");
    base = `http://127.0.0.1:${aex.port}`;
  });
  afterAll(() => aex.close());

  it.each(["/openapi.json", "/openapi.yaml", "/asyncapi.json", "/asyncapi.yaml"])(
    "%s: GET and HEAD answer, with security headers; other methods get a problem",
    async (path) => {
      const got = await fetch(base + path);
      expect(got.status).toBe(200);
      expect(got.headers.get("x-content-type-options")).toBe("nosniff");
      const text = await got.text();
      expect(Number(got.headers.get("content-length"))).toBe(Buffer.byteLength(text));
      const head = await fetch(base + path, { method: "HEAD" });
      expect(head.status).toBe(200);
      expect(head.headers.get("content-length")).toBe(got.headers.get("content-length"));
      for (const method of ["POST", "PUT", "DELETE", "PATCH"]) {
        const res = await fetch(base + path, { method, body: method === "DELETE" ? undefined : "{}" });
        // The document step passes other methods on, and the path has no route of its own.
        expect(res.status).toBe(404);
        expect(res.headers.get("content-type")).toBe("application/problem+json; charset=utf-8");
        expect(await res.json()).toMatchObject({ status: 404, code: "AEX_NOT_FOUND" });
      }
    },
  );

  it("a conditional request gets the document (no validator is sent, so none can match)", async () => {
    const res = await fetch(`${base}/openapi.json`, {
      headers: { "if-none-match": "*", "if-modified-since": new Date().toUTCString() },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("etag")).toBeNull();
    expect(JSON.parse(await res.text())).toMatchObject({ openapi: "3.1.0" });
  });

  it("the documents list the app's routes and nothing of the server's internals", async () => {
    const text =
      (await (await fetch(`${base}/openapi.json`)).text()) + (await (await fetch(`${base}/asyncapi.json`)).text());
    expect(text).toContain("/notes");
    expect(text).toContain("/feed");
    for (const secret of ["node_modules", process.cwd(), "127.0.0.1", String(aex.port)])
      expect(text).not.toContain(secret);
  });
});
