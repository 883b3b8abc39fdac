// aex.start() on Bun serves with Bun.serve (the Bun transport), on Node with node:http;
// `transport` chooses, and an app that needs node:http says why it falls back.
import { request } from "node:http";
import {
  Aex,
  AexBunServer,
  body,
  get,
  post,
  sse,
  type AexRequest,
  type AexResponse,
  type EventStream,
  type Scope,
} from "@aex/core";
import { floodGuard } from "@aex/core/flood-guard";
import { lineWhere, memoryLogger } from "./support/log-lines";

const onBun = typeof (globalThis as { Bun?: unknown }).Bun !== "undefined";

class Api {
  @get("/")
  home(req: AexRequest, res: AexResponse) {
    res.json({ ip: req.ip, url: req.url });
  }

  @post("/echo")
  @body("json")
  echo(_req: AexRequest, res: AexResponse, scope: Scope) {
    res.json(scope.body);
  }

  @get("/slow")
  async slow(_req: AexRequest, res: AexResponse) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    res.send("slow done");
  }

  @sse("/events", { heartbeat: 0 })
  events(stream: EventStream) {
    stream.send("hello", "world", "1");
  }
}

/** A GET over a fresh connection, its status and body (node's client, on both runtimes). */
function getText(
  port: number,
  path: string,
): Promise<{ status: number; text: string; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path, agent: false }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (text += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, text, headers: res.headers }));
    });
    req.on("error", reject);
    req.end();
  });
}

const errorCode = (error: unknown) => (error as { code?: string }).code;

(onBun ? describe : describe.skip)("aex.start() on Bun: the Bun transport", () => {
  let aex: Aex;
  let server: Awaited<ReturnType<Aex["start"]>>;
  beforeAll(async () => {
    aex = new Aex().push(Api);
    server = await aex.start(0, "127.0.0.1");
  });
  afterAll(() => aex.close());

  it("serves with Bun.serve: aex.server is its handle, aex.port its port", async () => {
    expect(server).toBeInstanceOf(AexBunServer);
    expect(aex.server).toBe(server);
    expect(server?.listening).toBe(true);
    expect(aex.port).toBe((server?.address() as { port: number }).port);
    expect(Aex.of(server as object)).toBe(aex);
  });

  it("answers through the app's line, with the security headers and the client's address", async () => {
    const res = await getText(aex.port as number, "/?q=1");
    expect(res.status).toBe(200);
    expect(JSON.parse(res.text)).toEqual({ ip: "127.0.0.1", url: "/?q=1" });
    expect(res.headers["x-content-type-options"]).toBe("nosniff");
    expect(res.headers["x-request-id"]).toMatch(/^\w+-\w+$/);
  });

  it("reads a JSON body and streams an event stream", async () => {
    const echo = await fetch(`http://127.0.0.1:${aex.port}/echo`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: '{"a":1}',
    });
    expect(echo.status).toBe(200);
    expect(await echo.json()).toEqual({ a: 1 });
    const events = await fetch(`http://127.0.0.1:${aex.port}/events`);
    expect(events.headers.get("content-type")).toBe("text/event-stream; charset=utf-8");
    const reader = (events.body as ReadableStream<Uint8Array>).getReader();
    const { value } = await reader.read();
    expect(new TextDecoder().decode(value)).toContain("event: hello\nid: 1\ndata: world\n\n");
    await reader.cancel();
  });

  it("keeps aex.inject() on node's parser: createServer() makes a node server that does not serve the port", async () => {
    const node = aex.createServer();
    expect(node).not.toBeInstanceOf(AexBunServer);
    expect(node.listening).toBe(false);
    expect(aex.server).toBe(server);
    const res = await aex.inject().get("/").execute();
    expect(res.status).toBe(200);
    expect(res.headers["x-content-type-options"]).toBe("nosniff");
  });
});

/** An upgrade request to `path` by fetch: its status and body (Bun's fetch sends `Upgrade` as given). */
async function upgradeAsk(port: number, path: string): Promise<{ status: number; text: string }> {
  const res = await fetch(`http://127.0.0.1:${port}${path}`, {
    headers: {
      connection: "Upgrade",
      upgrade: "websocket",
      "sec-websocket-key": "dGhlIHNhbXBsZSBub25jZQ==",
      "sec-websocket-version": "13",
    },
  });
  return { status: res.status, text: await res.text() };
}

/** An upgrade step that refuses with its own answer, as a guard does. */
function refuse(_req: AexRequest, res: AexResponse): void {
  res.statusCode = 409;
  res.end("no sockets here");
}

(onBun ? describe : describe.skip)("an upgrade attached after start() on Bun", () => {
  it("is served by the same Bun.serve server, through the app's upgrade line (Bun upgrades natively)", async () => {
    const { logger, lines } = memoryLogger();
    const aex = new Aex({ logger }).push(Api);
    const started = await aex.start(0, "127.0.0.1");
    const port = aex.port as number;
    expect(started).toBeInstanceOf(AexBunServer);
    try {
      // Before anything is attached, an Upgrade header is a plain request's.
      expect((await upgradeAsk(port, "/")).status).toBe(200);
      aex.attachUpgrade("/live", refuse);
      expect(aex.server).toBe(started);
      expect(started.listening).toBe(true);
      expect(await upgradeAsk(port, "/live")).toEqual({ status: 409, text: "no sockets here" });
      // An upgrade to a path without an upgrade route is a 404, as on node.
      expect((await upgradeAsk(port, "/")).status).toBe(404);
      expect((await getText(port, "/")).status).toBe(200);
      expect(lines.some((l) => l.msg === "serving with node:http on Bun")).toBe(false);
    } finally {
      await aex.close();
    }
  });
});

(onBun ? describe : describe.skip)("a node server made before start() on Bun", () => {
  it("regression: does not make the app serve with node:http (Bun's node:http server has connection listeners of its own)", async () => {
    const { logger, lines } = memoryLogger();
    const aex = new Aex({ logger }).push(Api);
    aex.createServer();
    expect((await aex.inject().get("/").execute()).status).toBe(200);
    const server = await aex.start(0, "127.0.0.1");
    try {
      expect(server).toBeInstanceOf(AexBunServer);
      expect((await getText(aex.port as number, "/")).status).toBe(200);
      expect(lines.some((l) => l.msg === "serving with node:http on Bun")).toBe(false);
    } finally {
      await aex.close();
    }
  });
});

(onBun ? describe : describe.skip)("aex.close() on the Bun transport", () => {
  it("stops accepting, lets the request in flight finish, then closes", async () => {
    const aex = new Aex().push(Api);
    await aex.start(0, "127.0.0.1");
    const port = aex.port as number;
    const inFlight = getText(port, "/slow");
    // The slow handler is running once its request reached the server.
    await new Promise((resolve) => setTimeout(resolve, 50));
    await aex.close();
    expect(await inFlight).toMatchObject({ status: 200, text: "slow done" });
    expect(aex.phase).toBe("closed");
    expect(aex.server?.listening).toBe(false);
    await expect(getText(port, "/")).rejects.toMatchObject({ code: "ECONNREFUSED" });
  });
});

(onBun ? describe : describe.skip)("aex.start() on Bun: node:http where the app needs it", () => {
  it("serves an app that upgrades connections with Bun.serve too (its WebSockets are Bun's own)", async () => {
    const { logger, lines } = memoryLogger();
    const aex = new Aex({ logger }).push(Api);
    aex.attachUpgrade("/live", refuse);
    // The default choice, not a forced one: an app with upgrades is served by Bun.serve.
    const server = await aex.start(0, "127.0.0.1");
    try {
      expect(server).toBeInstanceOf(AexBunServer);
      expect(await upgradeAsk(aex.port as number, "/live")).toEqual({ status: 409, text: "no sockets here" });
      expect((await getText(aex.port as number, "/")).status).toBe(200);
      expect(lines.some((l) => l.msg === "serving with node:http on Bun")).toBe(false);
    } finally {
      await aex.close();
    }
  });

  it('serves with node:http when asked: transport: "node"', async () => {
    const aex = new Aex().push(Api);
    const server = await aex.start(0, { host: "127.0.0.1", transport: "node" });
    try {
      expect(server).not.toBeInstanceOf(AexBunServer);
      expect((await getText(aex.port as number, "/")).status).toBe(200);
    } finally {
      await aex.close();
    }
  });
});

(onBun ? describe : describe.skip)("floodGuard(options) on the Bun transport", () => {
  it("caps requests in flight per address (Bun.serve shows no connections): 503 AEX_FLOOD_CONNECTIONS over it", async () => {
    const guard = floodGuard({ maxConnectionsPerIp: 2 });
    const aex = new Aex().use(guard).push(Api);
    const server = await aex.start(0, "127.0.0.1");
    guard.attach(server as AexBunServer);
    try {
      const port = aex.port as number;
      // Two slow requests hold the address's two places; the third is refused while they run.
      const slow = [getText(port, "/slow"), getText(port, "/slow")];
      while (guard.connections("127.0.0.1") < 2) await new Promise((resolve) => setTimeout(resolve, 5));
      const refused = await getText(port, "/");
      expect(refused.status).toBe(503);
      expect(JSON.parse(refused.text)).toMatchObject({ status: 503, code: "AEX_FLOOD_CONNECTIONS" });
      for (const answer of await Promise.all(slow)) expect(answer).toMatchObject({ status: 200, text: "slow done" });
      // Their places are free again once they are answered.
      while (guard.connections("127.0.0.1") > 0) await new Promise((resolve) => setTimeout(resolve, 5));
      expect((await getText(port, "/")).status).toBe(200);
    } finally {
      await aex.close();
    }
  });
});

describe("start({ transport })", () => {
  it('refuses a transport that is neither "node" nor "bun"', async () => {
    const aex = new Aex().push(Api);
    const error = await aex.start(0, { host: "127.0.0.1", transport: "deno" as never }).catch((e: unknown) => e);
    expect(errorCode(error)).toBe("AEX_ERR_START_OPTIONS");
    await aex.close();
  });

  // Defined on Node only: a skipped test would hide bun test's "filtered out" count, which
  // scripts/test-bun.mjs checks to know its skip list is not stale.
  if (!onBun)
    it('refuses transport: "bun" on Node.js with AEX_ERR_START_OPTIONS, and serves node:http by default', async () => {
      const aex = new Aex().push(Api);
      const error = await aex.start(0, { host: "127.0.0.1", transport: "bun" }).catch((e: unknown) => e);
      expect(errorCode(error)).toBe("AEX_ERR_START_OPTIONS");
      const server = await aex.start(0, "127.0.0.1");
      try {
        expect(server).not.toBeInstanceOf(AexBunServer);
        expect((await getText(aex.port as number, "/")).status).toBe(200);
      } finally {
        await aex.close();
      }
    });
});
