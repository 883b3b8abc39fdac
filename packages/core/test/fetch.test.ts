// aex.fetch(request): a Web-standard Request in, a Response out, through the app's one line.
// Runs on Node (undici's Request/Response) and on Bun (its own), with the same assertions.
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  Aex,
  body,
  EventStream,
  formdata,
  get,
  HttpError,
  http,
  post,
  sse,
  type AexRequest,
  type AexResponse,
  type Scope,
} from "@aex/core";
import { MemoryStore, session } from "@aex/session";

const BASE = "http://localhost";

/** Polls (every 10 ms, at most 10 s) until `done()` holds: waits on cleanup, asserts nothing on time. */
async function until(done: () => boolean): Promise<void> {
  for (let i = 0; i < 1000 && !done(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
}

/** Reads a streamed body's chunks as text until `stop` says it has what it needs. */
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

const store = new MemoryStore();
const sessionOptions = { secret: "fetch-test-secret-0123456789abcdef", name: "sid" };

describe("aex.fetch(request)", () => {
  let aex: Aex;
  let dir: string;
  const uploads = { temps: [] as string[] };

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "aex-fetch-"));
    class Api {
      @get("/")
      home(_req: AexRequest, res: AexResponse) {
        res.send("hello world");
      }

      @get("/users/:id")
      user(req: AexRequest, res: AexResponse, scope: Scope) {
        res.json({ id: scope.params.id, ip: req.ip, secure: req.secure, host: req.headers.host });
      }

      @post("/echo")
      @body("json", { limit: 1024 })
      echo(_req: AexRequest, res: AexResponse, scope: Scope) {
        res.json(scope.body);
      }

      @post("/form")
      @body("urlencoded")
      form(_req: AexRequest, res: AexResponse, scope: Scope) {
        res.json(scope.body);
      }

      @post("/upload")
      @formdata({ tempDir: dir, limits: { fileSize: 1024 } })
      upload(_req: AexRequest, res: AexResponse, scope: Scope) {
        const file = scope.files.doc[0];
        uploads.temps.push(file.temp);
        res.json({ name: file.filename, size: file.size, note: (scope.body as { note?: string }).note });
      }

      @get("/cookie")
      cookie(req: AexRequest, res: AexResponse) {
        res.cookies.set("theme", "dark", { httpOnly: true });
        res.cookies.set("lang", "en");
        res.json({ seen: req.cookies.get("seen") ?? null });
      }

      @post("/login")
      @session(store, sessionOptions)
      login(_req: AexRequest, res: AexResponse, scope: Scope) {
        scope.session.user = "ada";
        res.json({ user: "ada" });
      }

      @get("/me")
      @session(store, sessionOptions)
      me(_req: AexRequest, res: AexResponse, scope: Scope) {
        res.json({ user: scope.session.user ?? null });
      }

      @get("/taken")
      taken() {
        throw new HttpError(409, "This title is taken", { code: "NOTE_TITLE_TAKEN" });
      }

      @get("/bug")
      bug() {
        throw new Error("secret detail");
      }

      @get("/later")
      async later(_req: AexRequest, res: AexResponse) {
        await new Promise((resolve) => setTimeout(resolve, 5));
        res.status(201).json({ later: true });
      }

      @sse("/events", { heartbeat: 0 })
      events(stream: EventStream) {
        stream.send("tick", { n: 1 }, "1");
        stream.send("tick", { n: 2 }, "2");
      }

      @get("/stream")
      stream(_req: AexRequest, res: AexResponse) {
        res.setHeader("Content-Type", "text/plain");
        res.write("one,");
        res.write("two,");
        res.end("three");
      }

      @http("put", "/users/:id")
      put(_req: AexRequest, res: AexResponse) {
        res.end();
      }
    }
    aex = new Aex().push(Api);
  });

  afterAll(async () => {
    await aex.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("marks the app serving from its first request (no start() on another runtime's server)", async () => {
    const app = new Aex().push(class {});
    expect(app.phase).toBe("starting");
    const res = await app.fetch(new Request(`${BASE}/nothing`));
    expect(res.status).toBe(404);
    expect(app.phase).toBe("serving");
    await app.close();
    expect(app.phase).toBe("closed");
  });

  it("answers a GET with the body, the security headers and a request id", async () => {
    const res = await aex.fetch(new Request(`${BASE}/`));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/plain; charset=utf-8");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("content-security-policy")).toMatch(/^default-src 'self'/);
    expect(res.headers.get("x-frame-options")).toBe("SAMEORIGIN");
    expect(res.headers.get("strict-transport-security")).toBeNull();
    expect(res.headers.get("x-request-id")).toMatch(/^\w+-\w+$/);
    expect(await res.text()).toBe("hello world");
  });

  it("routes parameters and reads the client's address from info.ip, and TLS from the URL", async () => {
    const res = await aex.fetch(new Request("https://example.com/users/7"), { ip: "203.0.113.9" });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ id: "7", ip: "203.0.113.9", secure: true, host: "example.com" });
    // HSTS goes out over HTTPS only.
    expect(res.headers.get("strict-transport-security")).toBe("max-age=31536000; includeSubDomains");
  });

  it("reads the peer's address from a runtime's own second argument (Bun's server, Deno's info)", async () => {
    const bunLike = { requestIP: () => ({ address: "198.51.100.1" }) };
    const denoLike = { remoteAddr: { hostname: "198.51.100.2", port: 1, transport: "tcp" } };
    const fromBun = (await (await aex.fetch(new Request(`${BASE}/users/1`), bunLike)).json()) as { ip: string };
    const fromDeno = (await (await aex.fetch(new Request(`${BASE}/users/1`), denoLike)).json()) as { ip: string };
    expect([fromBun.ip, fromDeno.ip]).toEqual(["198.51.100.1", "198.51.100.2"]);
  });

  it("parses a JSON body", async () => {
    const res = await aex.fetch(
      new Request(`${BASE}/echo`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ hello: "world", n: 1 }),
      }),
    );
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/json; charset=utf-8");
    expect(await res.json()).toEqual({ hello: "world", n: 1 });
  });

  it("parses a JSON body streamed in chunks of unknown length", async () => {
    const chunks = ['{"a":', '"streamed"', "}"].map((part) => new TextEncoder().encode(part));
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        const next = chunks.shift();
        if (next === undefined) controller.close();
        else controller.enqueue(next);
      },
    });
    const init = { method: "POST", headers: { "content-type": "application/json" }, body: stream, duplex: "half" };
    const res = await aex.fetch(new Request(`${BASE}/echo`, init as RequestInit));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ a: "streamed" });
  });

  it("parses an urlencoded body", async () => {
    const res = await aex.fetch(
      new Request(`${BASE}/form`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: "name=ada&lang=en",
      }),
    );
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ name: "ada", lang: "en" });
  });

  it("answers a body over the limit with a 413 the client can read", async () => {
    const res = await aex.fetch(
      new Request(`${BASE}/echo`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ pad: "x".repeat(4096) }),
      }),
    );
    expect(res.status).toBe(413);
    expect(res.headers.get("content-type")).toBe("application/problem+json; charset=utf-8");
    expect(await res.json()).toMatchObject({ status: 413, code: "AEX_BODY_TOO_LARGE" });
  });

  it("takes a multipart upload to a temp file, removed once the answer is over", async () => {
    const form = new FormData();
    form.append("note", "hi");
    form.append("doc", new Blob(["file contents"], { type: "text/plain" }), "doc.txt");
    const res = await aex.fetch(new Request(`${BASE}/upload`, { method: "POST", body: form }));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ name: "doc.txt", size: 13, note: "hi" });
    await until(() => readdirSync(dir).length === 0);
    expect(readdirSync(dir)).toEqual([]);
    expect(uploads.temps).toHaveLength(1);
  });

  it("refuses a multipart file over its limit with 413 AEX_FORMDATA_LIMIT and leaves no temp file", async () => {
    const form = new FormData();
    form.append("doc", new Blob(["x".repeat(4096)]), "big.txt");
    const res = await aex.fetch(new Request(`${BASE}/upload`, { method: "POST", body: form }));
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ status: 413, code: "AEX_FORMDATA_LIMIT" });
    await until(() => readdirSync(dir).length === 0);
    expect(readdirSync(dir)).toEqual([]);
  });

  it("reads request cookies and sets response cookies, each its own Set-Cookie", async () => {
    const res = await aex.fetch(new Request(`${BASE}/cookie`, { headers: { cookie: "seen=yes" } }));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ seen: "yes" });
    const cookies = res.headers.getSetCookie();
    expect(cookies).toHaveLength(2);
    expect(cookies[0]).toMatch(/^theme=dark;.*HttpOnly/i);
    expect(cookies[1]).toMatch(/^lang=en/);
  });

  it("keeps a session across requests with its signed cookie", async () => {
    const login = await aex.fetch(new Request(`${BASE}/login`, { method: "POST" }));
    expect(login.status).toBe(200);
    const cookie = login.headers
      .getSetCookie()
      .map((line) => line.split(";")[0])
      .join("; ");
    expect(cookie).toMatch(/^sid=/);
    const me = await aex.fetch(new Request(`${BASE}/me`, { headers: { cookie } }));
    expect(await me.json()).toEqual({ user: "ada" });
    const stranger = await aex.fetch(new Request(`${BASE}/me`));
    expect(await stranger.json()).toEqual({ user: null });
  });

  it("answers errors through the error path as problem+json (a 5xx leaks nothing)", async () => {
    const taken = await aex.fetch(new Request(`${BASE}/taken`));
    expect(taken.status).toBe(409);
    expect(taken.headers.get("content-type")).toBe("application/problem+json; charset=utf-8");
    expect(taken.headers.get("x-content-type-options")).toBe("nosniff");
    expect(await taken.json()).toMatchObject({ status: 409, code: "NOTE_TITLE_TAKEN", detail: "This title is taken" });
    const bug = await aex.fetch(new Request(`${BASE}/bug`));
    expect(bug.status).toBe(500);
    const problem = (await bug.json()) as { status: number; code: string; detail?: string };
    expect(problem).toMatchObject({ status: 500, code: "AEX_INTERNAL" });
    expect(JSON.stringify(problem)).not.toContain("secret detail");
  });

  it("waits for a handler that answers later", async () => {
    const res = await aex.fetch(new Request(`${BASE}/later`));
    expect(res.status).toBe(201);
    expect(await res.json()).toEqual({ later: true });
  });

  it("answers HEAD with the headers of the GET and no body", async () => {
    const res = await aex.fetch(new Request(`${BASE}/`, { method: "HEAD" }));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-length")).toBe("11");
    expect(res.headers.get("content-type")).toBe("text/plain; charset=utf-8");
    expect(await res.text()).toBe("");
  });

  it("answers 404 for an unknown path and 405 with Allow for a known one", async () => {
    const missing = await aex.fetch(new Request(`${BASE}/missing`));
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ status: 404, code: "AEX_NOT_FOUND" });
    const wrong = await aex.fetch(new Request(`${BASE}/users/7`, { method: "DELETE" }));
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get("allow")).toBe("GET, HEAD, PUT, OPTIONS");
    expect(await wrong.json()).toMatchObject({ status: 405, code: "AEX_METHOD_NOT_ALLOWED" });
  });

  it("streams an event stream as it is written", async () => {
    const res = await aex.fetch(new Request(`${BASE}/events`));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/event-stream; charset=utf-8");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    const text = await readUntil(res, (seen) => seen.includes("id: 2"));
    expect(text).toContain('event: tick\nid: 1\ndata: {"n":1}\n\n');
    expect(text).toContain('event: tick\nid: 2\ndata: {"n":2}\n\n');
  });

  it("streams res.write chunks, then ends", async () => {
    const res = await aex.fetch(new Request(`${BASE}/stream`));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/plain");
    expect(await res.text()).toBe("one,two,three");
  });
});

describe("aex.fetch backpressure", () => {
  it("reports write() false while the reader lags, and drain once it reads", async () => {
    const seen: string[] = [];
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    class Big {
      @get("/big")
      big(_req: AexRequest, res: AexResponse) {
        res.setHeader("Content-Type", "application/octet-stream");
        const chunk = Buffer.alloc(8 * 1024, 97);
        let writes = 0;
        while (res.write(chunk)) writes++;
        seen.push(`full after ${writes + 1} writes, ${res.writableLength} bytes waiting`);
        res.once("drain", () => {
          seen.push("drain");
          res.end();
          release();
        });
      }
    }
    const aex = new Aex().push(Big);
    const res = await aex.fetch(new Request(`${BASE}/big`));
    expect(res.status).toBe(200);
    expect(seen).toEqual(["full after 2 writes, 16384 bytes waiting"]);
    const body = await res.arrayBuffer();
    await released;
    expect(seen[1]).toBe("drain");
    expect(body.byteLength).toBe(16 * 1024);
    await aex.close();
  });
});

describe("aex.fetch with the security headers off (securityHeaders: false)", () => {
  let aex: Aex;

  beforeAll(() => {
    class Plain {
      @get("/json")
      json(_req: AexRequest, res: AexResponse) {
        res.json({ ok: true });
      }

      @get("/html")
      html(_req: AexRequest, res: AexResponse) {
        res.type("text/html").send("<p>hi</p>");
      }

      @get("/extra")
      extra(_req: AexRequest, res: AexResponse) {
        res.setHeader("X-Extra", "1");
        res.json({ extra: true });
      }
    }
    aex = new Aex({ securityHeaders: false }).push(Plain);
  });

  afterAll(() => aex.close());

  it("answers with each response's own type and headers, none carried over to the next answer", async () => {
    const html = await aex.fetch(new Request(`${BASE}/html`));
    expect(html.status).toBe(200);
    expect(html.headers.get("content-type")).toBe("text/html");
    expect(html.headers.get("content-security-policy")).toBeNull();
    expect(await html.text()).toBe("<p>hi</p>");

    const extra = await aex.fetch(new Request(`${BASE}/extra`));
    expect(extra.headers.get("x-extra")).toBe("1");
    expect(extra.headers.get("content-type")).toBe("application/json; charset=utf-8");
    await extra.arrayBuffer();

    const ids = new Set<string | null>();
    for (let i = 0; i < 2; i++) {
      const json = await aex.fetch(new Request(`${BASE}/json`));
      expect(json.status).toBe(200);
      expect(json.headers.get("content-type")).toBe("application/json; charset=utf-8");
      expect(json.headers.get("x-extra")).toBeNull();
      expect(json.headers.get("x-content-type-options")).toBeNull();
      ids.add(json.headers.get("x-request-id"));
      expect(await json.json()).toEqual({ ok: true });
    }
    // Each answer has its own request id, not one kept with the content type's headers.
    expect(ids.size).toBe(2);
    expect(ids.has(null)).toBe(false);

    // Over TLS too: the type, and no HSTS without a block.
    const tls = await aex.fetch(new Request("https://localhost/json"));
    expect(tls.status).toBe(200);
    expect(tls.headers.get("content-type")).toBe("application/json; charset=utf-8");
    expect(tls.headers.get("strict-transport-security")).toBeNull();
    expect(await tls.json()).toEqual({ ok: true });
  });
});

describe("aex.fetch: a response's own headers over the prepared security headers", () => {
  let aex: Aex;
  let other: Aex;
  let visits = 0;

  beforeAll(() => {
    class Own {
      @get("/cookie")
      cookie(_req: AexRequest, res: AexResponse) {
        visits++;
        res.appendHeader("Set-Cookie", [`visit=${visits}`, `seen=${visits}`]);
        res.setHeader("Cache-Control", "no-store");
        res.json({ visits });
      }

      @get("/framed")
      framed(_req: AexRequest, res: AexResponse) {
        res.setHeader("X-Frame-Options", "DENY");
        res.setHeader("Cache-Control", "no-store");
        res.json({ framed: true });
      }

      @get("/bare")
      bare(_req: AexRequest, res: AexResponse) {
        res.json({ bare: true });
      }
    }
    class Other {
      @get("/bare")
      bare(_req: AexRequest, res: AexResponse) {
        res.setHeader("X-Other", "1");
        res.end("other");
      }
    }
    aex = new Aex().push(Own);
    // Two apps of one process, without security headers, with other request id headers.
    other = new Aex({ securityHeaders: false, requestId: { header: "x-trace-id" } }).push(Other);
  });

  afterAll(async () => {
    await aex.close();
    await other.close();
  });

  it("gives each answer its own values, and none of them to an answer without them", async () => {
    const first = await aex.fetch(new Request(`${BASE}/cookie`));
    expect(first.status).toBe(200);
    expect(first.headers.getSetCookie()).toEqual(["visit=1", "seen=1"]);
    expect(first.headers.get("cache-control")).toBe("no-store");
    expect(first.headers.get("x-frame-options")).toBe("SAMEORIGIN");
    expect(await first.json()).toEqual({ visits: 1 });
    const firstId = first.headers.get("x-request-id");

    const second = await aex.fetch(new Request(`${BASE}/cookie`));
    expect(second.headers.getSetCookie()).toEqual(["visit=2", "seen=2"]);
    expect(second.headers.get("x-request-id")).not.toBe(firstId);
    await second.arrayBuffer();

    // A route that overrides a security header: its own answer says so, the next one has the default.
    const framed = await aex.fetch(new Request(`${BASE}/framed`));
    expect(framed.headers.get("x-frame-options")).toBe("DENY");
    expect(framed.headers.getSetCookie()).toEqual([]);
    await framed.arrayBuffer();
    const bare = await aex.fetch(new Request(`${BASE}/bare`));
    expect(bare.headers.get("x-frame-options")).toBe("SAMEORIGIN");
    expect(bare.headers.get("cache-control")).toBeNull();
    expect(bare.headers.getSetCookie()).toEqual([]);
    expect(bare.headers.get("content-type")).toBe("application/json; charset=utf-8");
    expect(await bare.json()).toEqual({ bare: true });
  });

  it("keeps each app's request id header to its own answers", async () => {
    const mine = await aex.fetch(new Request(`${BASE}/bare`));
    expect(mine.headers.get("x-request-id")).not.toBeNull();
    expect(mine.headers.get("x-trace-id")).toBeNull();
    await mine.arrayBuffer();
    for (let i = 0; i < 2; i++) {
      const theirs = await other.fetch(new Request(`${BASE}/bare`));
      expect(theirs.status).toBe(200);
      expect(theirs.headers.get("x-trace-id")).not.toBeNull();
      expect(theirs.headers.get("x-request-id")).toBeNull();
      expect(theirs.headers.get("x-other")).toBe("1");
      expect(theirs.headers.get("x-frame-options")).toBeNull();
      expect(await theirs.text()).toBe("other");
    }
  });
});
