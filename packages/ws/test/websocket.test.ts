// @decorator-modes both: the README's WebSocket examples.
import WebSocket from "ws";
import { Aex, get, HttpError } from "@aex/core";
import { MemoryStore, session } from "@aex/session";
import { WebSocketServer, type WebSocketHandler } from "@aex/ws";
import { get as httpGet } from "../../core/test/support/http";
import { TestClient } from "./support/client";

async function started(aex = new Aex()): Promise<{ aex: Aex; port: number; server: any }> {
  const server = await aex.start(0, "127.0.0.1");
  return { aex, port: aex.port!, server };
}

describe("WebSocketServer — the README's example", () => {
  it("hands over each connection, routes events both ways", async () => {
    // 1. Create a WebSocketServer instance
    const aex = new Aex();
    const server = await aex.start(0, "127.0.0.1");
    const ws = new WebSocketServer(server);
    const serverLevel: unknown[] = [];
    // 2-4. Get the handler, listen to an event, send to the client
    ws.on(WebSocketServer.ENTER, (handler) => {
      handler.on("event-name", (data) => {
        handler.send("event-name", { key: "value", echo: data });
      });
    });
    // 6. Listen on user-customized events at the server
    let heard!: () => void;
    const serverHeard = new Promise<void>((resolve) => (heard = resolve));
    ws.on("new-message", (data: unknown) => {
      serverLevel.push(data);
      heard();
    });
    try {
      // 5, 7. A client sends a message
      const client = await TestClient.open(`ws://127.0.0.1:${aex.port}/path`);
      client.socket.send("");
      client.send("event-name", { message: "Hello world!" });
      expect(await client.next("event-name")).toEqual({ key: "value", echo: { message: "Hello world!" } });
      // The empty message of the README's client gets an error event, the socket stays open.
      expect(await client.next("error")).toEqual({
        code: "AEX_WS_INVALID_JSON",
        message: "the message is not valid JSON",
      });
      client.send("new-message", { n: 1 });
      await serverHeard;
      expect(serverLevel).toEqual([{ n: 1 }]);
      client.close();
    } finally {
      await aex.close();
    }
  });
});

describe("A WebSocketServer's upgrades walk the app's line: aex.use steps, then ws.use(req, ws, scope)", () => {
  let aex: Aex;
  let port: number;
  const store = new MemoryStore();
  const secret = "ws secret";

  beforeAll(async () => {
    class Login {
      @get("/login")
      @session(store, { secret })
      login(_req: any, res: any, scope: any) {
        scope.session.user = "alice";
        res.end("in");
      }
    }
    const app = new Aex().push(Login);
    // Refusals before the upgrade are the app's steps: they answer HTTP statuses.
    app.use(session(store, { secret }));
    app.use(async (req, res, scope) => {
      // Only the rooms these tests log in to are guarded: the path tests below need none.
      if (req.headers.upgrade !== "websocket" || !/^\/rooms\/(a|lobby%201)(\?|$)/.test(req.url ?? "")) return;
      if (req.url?.includes("deny=1")) {
        res.status(403).json({ status: 403, title: "Forbidden", code: "AEX_WS_REFUSED" });
        return false;
      }
      if (req.url?.includes("teapot=1")) throw new HttpError(418, "I am a teapot");
      if (!scope.session.user) throw new HttpError(401, "Log in first");
    });
    ({ aex, port } = await started(app));
    const ws = new WebSocketServer(aex, { path: "/rooms/:room" });
    ws.use(async (_req, _ws, scope) => {
      scope.inner.user = scope.session.user;
    });
    ws.on(WebSocketServer.ENTER, (handler: WebSocketHandler) => {
      handler.send("welcome", {
        user: handler.scope.inner.user,
        room: handler.scope.params.room,
        lang: handler.scope.query.lang,
        theme: handler.req.cookies.get("theme"),
      });
    });
  });
  afterAll(() => aex.close());

  /** Logs in through the in-process client; its cookie then opens a real socket. */
  async function loginCookie(): Promise<string> {
    const client = aex.inject();
    expect((await client.get("/login")).text()).toBe("in");
    return `aex.sid=${client.cookies.get("aex.sid")}`;
  }

  it("gives middlewares the session, params, query and cookies", async () => {
    const cookie = await loginCookie();
    const client = await TestClient.open(`ws://127.0.0.1:${port}/rooms/lobby%201?lang=fr`, {
      Cookie: `${cookie}; theme=dark`,
    });
    expect(await client.next("welcome")).toEqual({ user: "alice", room: "lobby 1", lang: "fr", theme: "dark" });
    client.close();
  });

  /** The app's problem+json answer (RFC 9457) for an error thrown on the upgrade of /rooms/a. */
  function problem(fields: { status: number; title: string; detail: string }) {
    return { type: "about:blank", instance: "/rooms/a", requestId: expect.any(String), ...fields };
  }

  it.each([
    ["no session", "", 401, problem({ status: 401, title: "Unauthorized", detail: "Log in first" })],
    // The step answered itself: its own body goes out as it wrote it.
    ["false", "?deny=1", 403, { status: 403, title: "Forbidden", code: "AEX_WS_REFUSED" }],
    ["a thrown HttpError", "?teapot=1", 418, problem({ status: 418, title: "I'm a Teapot", detail: "I am a teapot" })],
  ])("refuses the handshake for %s with its status, before the upgrade", async (_name, search, status, body) => {
    const cookie = search === "" ? "" : await loginCookie();
    const refused = await TestClient.open(
      `ws://127.0.0.1:${port}/rooms/a${search}`,
      cookie ? { Cookie: cookie } : {},
    ).catch((error) => error);
    expect(refused.status).toBe(status);
    expect(JSON.parse(refused.body)).toEqual(body);
  });

  it.each([
    ["a malformed escape", "/rooms/%E0%A4%A", 400, "AEX_PARAM_MALFORMED"],
    ["an over-long parameter", `/rooms/${"x".repeat(501)}`, 414, "AEX_PARAM_TOO_LONG"],
  ])("refuses %s in the path like an HTTP route does", async (_name, path, status, code) => {
    const refused = await TestClient.open(`ws://127.0.0.1:${port}${path}`).catch((error) => error);
    expect(refused.status).toBe(status);
    expect(JSON.parse(refused.body)).toMatchObject({ type: "about:blank", status, code, detail: expect.any(String) });
  });

  it("answers 404 for a path no WebSocket server serves", async () => {
    const refused = await TestClient.open(`ws://127.0.0.1:${port}/elsewhere`).catch((error) => error);
    expect(refused.status).toBe(404);
    expect(JSON.parse(refused.body)).toMatchObject({ code: "AEX_NOT_FOUND" });
  });
});

describe("paths, rooms and broadcast", () => {
  it("serves several WebSocket servers on one HTTP server by path", async () => {
    const { aex, server, port } = await started();
    const chat = new WebSocketServer(server, { path: "/chat" });
    const feed = new WebSocketServer(server, { path: "/feed" });
    chat.on(WebSocketServer.ENTER, (h) => h.send("hello", "chat"));
    feed.on(WebSocketServer.ENTER, (h) => h.send("hello", "feed"));
    try {
      const a = await TestClient.open(`ws://127.0.0.1:${port}/chat`);
      const b = await TestClient.open(`ws://127.0.0.1:${port}/feed`);
      expect(await a.next("hello")).toBe("chat");
      expect(await b.next("hello")).toBe("feed");
      a.close();
      b.close();
    } finally {
      await aex.close();
    }
  });

  it("answers plain requests to a server's path with 426 or 405; one without a path leaves the 404s alone", async () => {
    const { aex, server, port } = await started();
    new WebSocketServer(server, { path: "/chat" });
    new WebSocketServer(server);
    try {
      const base = `http://127.0.0.1:${port}`;
      const plain = await httpGet(base, "/chat");
      expect(plain.status).toBe(426);
      expect(plain.headers.upgrade).toBe("websocket");
      expect(plain.json()).toMatchObject({ code: "AEX_UPGRADE_REQUIRED", instance: "/chat" });
      const posted = await fetch(`${base}/chat`, { method: "POST" });
      expect(posted.status).toBe(405);
      expect(posted.headers.get("allow")).toBe("GET, OPTIONS");
      const elsewhere = await httpGet(base, "/elsewhere");
      expect(elsewhere.status).toBe(404);
      expect(elsewhere.headers.upgrade).toBeUndefined();
      expect(elsewhere.json()).toMatchObject({ code: "AEX_NOT_FOUND" });
    } finally {
      await aex.close();
    }
  });

  it("sends to rooms and to everyone; leaving a room or closing stops delivery", async () => {
    const { aex, server, port } = await started();
    const ws = new WebSocketServer(server);
    ws.on(WebSocketServer.ENTER, (handler) => {
      handler.data.name = handler.req.query?.name;
      handler.on("join", (room: string) => {
        handler.join(room);
        handler.send("joined", room);
      });
      handler.on("leave", (room: string) => {
        handler.leave(room);
        handler.send("left", room);
      });
      handler.on("say", ({ room, text }: { room: string; text: string }) =>
        ws.to(room).send("said", { from: handler.data.name, text }),
      );
    });
    try {
      const [ann, bob, cid] = await Promise.all(
        ["ann", "bob", "cid"].map((name) => TestClient.open(`ws://127.0.0.1:${port}/?name=${name}`)),
      );
      for (const client of [ann, bob]) {
        client.send("join", "red");
        await client.next("joined");
      }
      ann.send("say", { room: "red", text: "hi red" });
      expect(await ann.next("said")).toEqual({ from: "ann", text: "hi red" });
      expect(await bob.next("said")).toEqual({ from: "ann", text: "hi red" });
      ws.broadcast("news", "for all");
      for (const client of [ann, bob, cid]) expect(await client.next("news")).toBe("for all");
      expect(cid.messages.filter((m) => m.event === "said")).toEqual([]);
      bob.send("leave", "red");
      await bob.next("left");
      ann.send("say", { room: "red", text: "still there?" });
      expect(await ann.next("said")).toEqual({ from: "ann", text: "still there?" });
      // A barrier: the room's send went out before this broadcast, so had bob still been in
      // the room, "said" would reach him before "marker".
      ws.broadcast("marker");
      expect(await bob.first()).toEqual({ event: "marker" });
      [ann, bob, cid].forEach((c) => c.close());
    } finally {
      await aex.close();
    }
  });
});

describe("bad input and limits", () => {
  let aex: Aex;
  let port: number;

  beforeAll(async () => {
    ({ aex, port } = await started());
    // No heartbeat here: a stalled event loop must not drop these tests' sockets.
    const ws = new WebSocketServer(aex, { maxPayload: 1024, heartbeat: 0 });
    ws.on(WebSocketServer.ENTER, (handler) => {
      handler.on("ping", () => handler.send("pong"));
      handler.on("boom", () => {
        throw new Error("listener failed");
      });
      // An app's own error whose code is a key every object has.
      handler.on("boom-coded", () => {
        throw Object.assign(new Error("listener failed"), { code: "constructor" });
      });
    });
  });
  afterAll(() => aex.close());

  it.each([
    ["invalid JSON", "{nope", "AEX_WS_INVALID_JSON"],
    ["no event", JSON.stringify({ data: 1 }), "AEX_WS_NO_EVENT"],
    ["an array", "[1,2]", "AEX_WS_NO_EVENT"],
    ["a reserved event", JSON.stringify({ event: "close" }), "AEX_WS_RESERVED_EVENT"],
    ["another reserved event", JSON.stringify({ event: "error", data: "x" }), "AEX_WS_RESERVED_EVENT"],
  ])("answers %s with an error event and keeps the socket", async (_name, text, code) => {
    const client = await TestClient.open(`ws://127.0.0.1:${port}/`);
    client.socket.send(text);
    expect(await client.next("error")).toMatchObject({ code });
    client.send("ping");
    expect(await client.next("pong")).toBeUndefined();
    client.close();
  });

  it("answers binary frames and failing listeners with error events", async () => {
    const client = await TestClient.open(`ws://127.0.0.1:${port}/`);
    client.socket.send(Buffer.from([1, 2, 3]));
    expect(await client.next("error")).toEqual({ code: "AEX_WS_BINARY", message: "binary messages are not supported" });
    client.send("boom");
    expect(await client.next("error")).toEqual({
      code: "AEX_WS_HANDLER_FAILED",
      message: "a listener of the event failed",
    });
    // regression: an error whose code is an Object.prototype key was sent as that code, with no message.
    client.send("boom-coded");
    expect(await client.next("error")).toEqual({
      code: "AEX_WS_HANDLER_FAILED",
      message: "a listener of the event failed",
    });
    client.send("ping");
    expect(await client.next("pong")).toBeUndefined();
    client.close();
  });

  it("closes with 1009 for a message over maxPayload, then keeps serving", async () => {
    const client = await TestClient.open(`ws://127.0.0.1:${port}/`);
    client.send("ping", "x".repeat(2048));
    expect((await client.closed).code).toBe(1009);
    const next = await TestClient.open(`ws://127.0.0.1:${port}/`);
    next.send("ping");
    expect(await next.next("pong")).toBeUndefined();
    next.close();
  });

  it("drops a peer that stops answering heartbeats", async () => {
    // A server of its own with a short heartbeat and this one socket: nothing else to drop.
    const { aex: app, port: appPort } = await started();
    const ws = new WebSocketServer(app, { heartbeat: 100 });
    const dropped = new Promise<number>((resolve) =>
      ws.on(WebSocketServer.ENTER, (handler) => handler.on("close", (code) => resolve(code))),
    );
    try {
      const client = await TestClient.open(`ws://127.0.0.1:${appPort}/`);
      // Stop reading: pings go unanswered, like a vanished peer.
      (client.socket as unknown as { _socket: { pause(): void } })._socket.pause();
      // Terminated without a closing handshake: the server sees 1006.
      expect(await dropped).toBe(1006);
      expect(ws.handlers.size).toBe(0);
      client.socket.terminate();
    } finally {
      await app.close();
    }
  });

  it("closes a client that does not read with 1013 (maxBufferedAmount), and keeps one that reads the same flood", async () => {
    const { aex: app, port: appPort } = await started();
    // Heartbeat off: only the backpressure limit can close the slow client.
    const ws = new WebSocketServer(app, { heartbeat: 0, maxBufferedAmount: 64 * 1024 });
    const FLOOD = 1000; // messages of 16 KiB: 16 MiB, more than the kernel buffers of a paused socket
    const floods = new Map<string, { sent: number; open: boolean }>();
    const flooded = new Map<string, () => void>();
    ws.on(WebSocketServer.ENTER, (handler) => {
      handler.on("ping", () => handler.send("pong"));
      handler.on("flood", async () => {
        const chunk = "x".repeat(16 * 1024);
        let sent = 0;
        // One message per turn of the event loop, as a live feed sends; send() says false
        // once the connection is closed for being too slow.
        while (sent < FLOOD && handler.send("chunk", chunk)) {
          sent++;
          await new Promise((resolve) => setImmediate(resolve));
        }
        const name = String(handler.req.query?.name);
        floods.set(name, { sent, open: handler.socket.readyState === handler.socket.OPEN });
        handler.send("flooded", sent);
        flooded.get(name)?.();
      });
    });
    const done = (name: string) => new Promise<void>((resolve) => flooded.set(name, resolve));
    try {
      const slow = await TestClient.open(`ws://127.0.0.1:${appPort}/?name=slow`);
      const reader = await TestClient.open(`ws://127.0.0.1:${appPort}/?name=reader`);
      const slowDone = done("slow");
      const readerDone = done("reader");
      // The slow client stops reading its TCP socket, then both ask for the same flood.
      (slow.socket as unknown as { _socket: { pause(): void } })._socket.pause();
      slow.send("flood");
      reader.send("flood");
      await Promise.all([slowDone, readerDone]);

      // The reader got every message and is still connected.
      expect(floods.get("reader")).toEqual({ sent: FLOOD, open: true });
      expect(await reader.next("flooded", 10_000)).toBe(FLOOD);
      const chunks = reader.messages.splice(0);
      expect(chunks).toHaveLength(FLOOD);
      expect(new Set(chunks.map((m) => m.event))).toEqual(new Set(["chunk"]));
      reader.send("ping");
      expect(await reader.next("pong")).toBeUndefined();

      // The slow one was cut off once more than 64 KiB waited, far before the end.
      const slowFlood = floods.get("slow")!;
      expect(slowFlood.open).toBe(false);
      expect(slowFlood.sent).toBeLessThan(FLOOD);
      // Reading again, it gets what was sent before the limit, then the close frame: 1013.
      (slow.socket as unknown as { _socket: { resume(): void } })._socket.resume();
      expect(await slow.closed).toEqual({ code: 1013, reason: "Slow consumer" });
      expect(slow.messages).toHaveLength(slowFlood.sent);
      expect(new Set(slow.messages.map((m) => m.event))).toEqual(new Set(["chunk"]));
      expect(reader.socket.readyState).toBe(WebSocket.OPEN);
      reader.close();
    } finally {
      await app.close();
    }
  });

  it.each([
    ["throws", "throw"],
    ["rejects", "reject"],
  ])("closes the connection with 1011 when an ENTER listener %s, and keeps serving", async (_name, mode) => {
    const { aex: app, port: appPort } = await started();
    const ws = new WebSocketServer(app, { heartbeat: 0 });
    ws.on(WebSocketServer.ENTER, (handler) => {
      if (handler.req.query?.mode === "throw") throw new Error("ENTER listener failed");
      if (handler.req.query?.mode === "reject") return Promise.reject(new Error("ENTER listener rejected"));
      handler.send("welcome");
    });
    try {
      const failed = await TestClient.open(`ws://127.0.0.1:${appPort}/?mode=${mode}`);
      expect(await failed.closed).toEqual({ code: 1011, reason: "Internal error" });
      expect(failed.messages).toEqual([]);
      const next = await TestClient.open(`ws://127.0.0.1:${appPort}/`);
      expect(await next.first()).toEqual({ event: "welcome" });
      next.close();
    } finally {
      await app.close();
    }
  });
});

describe("many connections", () => {
  it("holds 500 concurrent connections and still answers HTTP", async () => {
    class Health {
      @get("/health")
      health(_req: any, res: any) {
        res.end("up");
      }
    }
    const { aex, port } = await started(new Aex().push(Health));
    const ws = new WebSocketServer(aex);
    ws.on(WebSocketServer.ENTER, (handler) => handler.on("ping", (n: number) => handler.send("pong", n)));
    const clients: TestClient[] = [];
    try {
      for (let batch = 0; batch < 10; batch++) {
        clients.push(
          ...(await Promise.all(Array.from({ length: 50 }, () => TestClient.open(`ws://127.0.0.1:${port}/`)))),
        );
      }
      expect(ws.handlers.size).toBe(500);
      expect((await httpGet(`http://127.0.0.1:${port}`, "/health")).text).toBe("up");
      clients.forEach((c, i) => c.send("ping", i));
      const answers = await Promise.all(clients.map((c) => c.next("pong", 5000)));
      expect(answers).toEqual(clients.map((_, i) => i));
    } finally {
      await aex.close();
    }
    // aex.close() closed every socket with 1001.
    const codes = await Promise.all(clients.map((c) => c.closed));
    expect(new Set(codes.map((c) => c.code))).toEqual(new Set([1001]));
  }, 30_000);
});

describe("graceful close", () => {
  it("aex.close() closes sockets with 1001 and finishes", async () => {
    const { aex, server, port } = await started();
    new WebSocketServer(server);
    const client = await TestClient.open(`ws://127.0.0.1:${port}/`);
    await aex.close();
    expect(await client.closed).toEqual({ code: 1001, reason: "Server shutting down" });
    expect(client.socket.readyState).toBe(WebSocket.CLOSED);
  });
});
