import { EventEmitter } from "node:events";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  Aex,
  AexRequest,
  body,
  AexResponse,
  get,
  http,
  listen as onEvent,
  Router,
  serve,
  type AexServer,
  type Scope,
} from "@aex/core";
import { get as httpGet, listen, raw, send } from "./support/http";

/** Public API the other suites do not reach: one describe per call, over real HTTP. */

describe("AexResponse helpers", () => {
  class Replies {
    @get("/redirect")
    redirect(_req: AexRequest, res: AexResponse) {
      res.redirect("/to place/ü");
    }
    @get("/redirect-301")
    redirect301(_req: AexRequest, res: AexResponse) {
      res.redirect(301, "/moved");
    }
    @get("/typed")
    typed(_req: AexRequest, res: AexResponse) {
      res.type("text/csv").set("X-One", "1").set("X-Many", ["a", "b"]);
      res.set("X-Seen", String(res.get("x-one")));
      res.status(201).end("a,b");
    }
    @get("/buffer")
    buffer(_req: AexRequest, res: AexResponse) {
      res.send(Buffer.from([0, 1, 2]));
    }
    @get("/object")
    object(_req: AexRequest, res: AexResponse) {
      res.send({ ok: true });
    }
    @get("/html")
    html(_req: AexRequest, res: AexResponse) {
      res.send("<p>hi</p>");
    }
  }
  let aex: Aex;
  let base: string;
  beforeAll(async () => {
    aex = new Aex().push(Replies);
    base = await listen(aex);
  });
  afterAll(() => aex.close());

  it("res.redirect(url) answers 302 with an encoded Location", async () => {
    const res = await httpGet(base, "/redirect");
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe("/to%20place/%C3%BC");
  });

  it("res.redirect(status, url) takes Express's argument order", async () => {
    const res = await httpGet(base, "/redirect-301");
    expect(res.status).toBe(301);
    expect(res.headers.location).toBe("/moved");
  });

  it("res.type, res.set, res.get and res.status chain", async () => {
    const res = await httpGet(base, "/typed");
    expect(res.status).toBe(201);
    expect(res.headers["content-type"]).toBe("text/csv");
    expect(res.headers["x-one"]).toBe("1");
    expect(res.headers["x-many"]).toBe("a, b");
    expect(res.headers["x-seen"]).toBe("1");
    expect(res.text).toBe("a,b");
  });

  it("res.send(Buffer) answers binary with its length", async () => {
    const res = await httpGet(base, "/buffer");
    expect(res.headers["content-type"]).toBe("application/octet-stream");
    expect(res.headers["content-length"]).toBe("3");
  });

  it("res.send(object) answers JSON; res.send('<…') answers HTML", async () => {
    const object = await httpGet(base, "/object");
    expect(object.headers["content-type"]).toBe("application/json; charset=utf-8");
    expect(object.json()).toEqual({ ok: true });
    const html = await httpGet(base, "/html");
    expect(html.headers["content-type"]).toBe("text/html; charset=utf-8");
    expect(html.text).toBe("<p>hi</p>");
  });
});

describe("AexRequest helpers", () => {
  it("req.get, req.header and req.originalUrl read the request as received", async () => {
    class Echo {
      @get("/echo/:id")
      echo(req: AexRequest, res: AexResponse) {
        res.json({ get: req.get("X-Token"), header: req.header("x-token"), url: req.originalUrl, path: req.path });
      }
    }
    const aex = new Aex().push(Echo);
    const res = await aex.inject().get("/echo/1?a=b").set("X-Token", "t0k").execute();
    expect(res.json()).toEqual({ get: "t0k", header: "t0k", url: "/echo/1?a=b", path: "/echo/1" });
  });
});

describe("new Aex(emitter, options)", () => {
  it("uses the given emitter for @listen and applies the options", async () => {
    class Pinger {
      @onEvent("ping")
      ping(emitter: EventEmitter) {
        emitter.emit("pong", "from the controller");
      }
      @get("/id/:id")
      id(_req: AexRequest, res: AexResponse, scope: Scope) {
        res.end(scope.params.id);
      }
    }
    const emitter = new EventEmitter();
    const aex = new Aex(emitter, { maxParamLength: 3 }).push(Pinger).prepare();
    expect(aex.emitter).toBe(emitter);
    const pong = new Promise((resolve) => emitter.once("pong", resolve));
    emitter.emit("ping");
    await expect(pong).resolves.toBe("from the controller");
    const client = aex.inject();
    expect((await client.get("/id/abc").execute()).text()).toBe("abc");
    const tooLong = await client.get("/id/abcd").execute();
    expect(tooLong.status).toBe(414);
    expect(tooLong.json<{ code: string }>().code).toBe("AEX_PARAM_TOO_LONG");
    await aex.close();
  });
});

describe("aex.handle on a user's own server", () => {
  it("serves the app from a server made with Aex's request and response classes", async () => {
    class Home {
      @get("/")
      home(_req: AexRequest, res: AexResponse) {
        res.json({ own: true });
      }
    }
    const aex = new Aex().push(Home).prepare();
    const server = createServer({ IncomingMessage: AexRequest, ServerResponse: AexResponse }, aex.handle);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const { port } = server.address() as { port: number };
      const base = `http://127.0.0.1:${port}`;
      expect((await httpGet(base, "/")).json()).toEqual({ own: true });
      const missing = await httpGet(base, "/missing");
      expect(missing.status).toBe(404);
      expect(missing.json<{ code: string }>().code).toBe("AEX_NOT_FOUND");
    } finally {
      await new Promise((resolve) => server.close(resolve));
      await aex.close();
    }
  });
});

describe("aex.use(step)", () => {
  it("runs plain step functions before routes; returning false ends the line", async () => {
    class Data {
      @get("/data")
      data(_req: AexRequest, res: AexResponse, scope: Scope) {
        res.json({ user: scope.inner.user });
      }
    }
    const aex = new Aex()
      .use(async (req, res, scope) => {
        if (req.headers["x-block"]) {
          res.status(403).end("blocked");
          return false;
        }
        scope.inner.user = "ada";
        return undefined;
      })
      .push(Data);
    const client = aex.inject();
    expect((await client.get("/data").execute()).json()).toEqual({ user: "ada" });
    const blocked = await client.get("/data").set("X-Block", "1").execute();
    expect(blocked.status).toBe(403);
    expect(blocked.text()).toBe("blocked");
  });
});

describe("RouterOptions.maxParamLength", () => {
  it("answers 414 past the router's own limit", async () => {
    const router = new Router({ maxParamLength: 2 });
    router.get("/r/:id", async (_req, res, scope) => res.end(scope.params.id));
    const aex = new Aex().use(router);
    const client = aex.inject();
    expect((await client.get("/r/ab").execute()).text()).toBe("ab");
    const res = await client.get("/r/abc").execute();
    expect(res.status).toBe(414);
    expect(res.json<{ code: string }>().code).toBe("AEX_PARAM_TOO_LONG");
  });
});

describe("@serve(url, { maxAge, dotfiles })", () => {
  const dir = mkdtempSync(join(tmpdir(), "aex-serve-options-"));
  writeFileSync(join(dir, "a.txt"), "a");
  writeFileSync(join(dir, ".well-known"), "dot");
  class Files {
    @serve("/cached", { maxAge: 60_000, dotfiles: true })
    cached() {
      return dir;
    }
    @serve("/plain")
    plain() {
      return dir;
    }
  }
  let aex: Aex;
  let base: string;
  beforeAll(async () => {
    aex = new Aex().push(Files);
    base = await listen(aex);
  });
  afterAll(async () => {
    await aex.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("sets Cache-Control from maxAge, and no max-age by default", async () => {
    expect((await httpGet(base, "/cached/a.txt")).headers["cache-control"]).toBe("public, max-age=60");
    expect((await httpGet(base, "/plain/a.txt")).headers["cache-control"]).toBe("public, max-age=0");
  });

  it("serves dotfiles only when dotfiles is true", async () => {
    const allowed = await httpGet(base, "/cached/.well-known");
    expect(allowed.status).toBe(200);
    expect(allowed.text).toBe("dot");
    const refused = await httpGet(base, "/plain/.well-known");
    expect(refused.status).toBe(404);
  });
});

describe("closeTimeout", () => {
  it("cuts requests still in flight when close() waits longer than closeTimeout", async () => {
    let seen!: () => void;
    const arrived = new Promise<void>((resolve) => (seen = resolve));
    class Stuck {
      @http("/stuck")
      stuck() {
        seen(); // never answers
      }
    }
    const aex = new Aex({ closeTimeout: 100, handlerTimeout: 0 }).push(Stuck);
    const base = await listen(aex);
    const url = new URL(base);
    const outcome = new Promise<string>((resolve) => {
      const req = request({ host: url.hostname, port: url.port, path: "/stuck", agent: false }, () =>
        resolve("answered"),
      );
      req.on("error", (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
      req.end();
    });
    await arrived;
    await aex.close();
    await expect(outcome).resolves.toBe("ECONNRESET");
  });
});

describe("server timeouts", () => {
  it("answers 408 when the headers do not arrive within headersTimeout", async () => {
    const aex = new Aex({ server: { headersTimeout: 200, requestTimeout: 300, connectionsCheckingInterval: 50 } });
    // node:http's headersTimeout: Bun.serve has none, its idleTimeout closes such a connection without an answer.
    const base = await listen(aex, "node");
    try {
      // Headers never finished: node answers 408 and closes the connection.
      const answer = await raw(base, "GET / HTTP/1.1\r\nHost: x\r\n");
      expect(answer).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
      expect(answer).toMatch(/Connection: close/i);
      // The server keeps serving.
      expect((await send(base, "GET", "/missing")).status).toBe(404);
    } finally {
      await aex.close();
    }
  });

  it("answers 408 when the body does not arrive within requestTimeout", async () => {
    class Upload {
      @http("post", "/upload")
      @body("text")
      upload(_req: AexRequest, res: AexResponse, scope: Scope) {
        res.end(String(scope.body));
      }
    }
    const aex = new Aex({
      server: { headersTimeout: 200, requestTimeout: 300, connectionsCheckingInterval: 50 },
    }).push(Upload);
    const base = await listen(aex);
    try {
      const answer = await raw(
        base,
        "POST /upload HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: 10\r\n\r\nabc",
      );
      expect(answer).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
    } finally {
      await aex.close();
    }
  });
});

// A type-level check that the server type stays exported for users wiring their own servers.
export type ServerCheck = AexServer;
