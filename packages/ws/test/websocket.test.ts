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
    ws.on("new-message", (data: unknown) => {
      serverLevel.push(data);
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
      await client.next("event-name", 200).catch(() => undefined);
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
      await expect(bob.next("said", 200)).rejects.toThrow(/no "said"/);
      [ann, bob, cid].forEach((c) => c.close());
    } finally {
      await aex.close();
    }
  });
});

describe("bad input and limits", () => {
  let aex: Aex;
  let port: number;
  let ws: WebSocketServer;
  const closes: { name: unknown; code: number }[] = [];

  beforeAll(async () => {
    ({ aex, port } = await started());
    ws = new WebSocketServer(aex, { maxPayload: 1024, heartbeat: 100, maxBufferedAmount: 64 * 1024 });
    ws.on(WebSocketServer.ENTER, (handler) => {
      handler.on("ping", () => handler.send("pong"));
      handler.on("boom", () => {
        throw new Error("listener failed");
      });
      handler.on("flood", () => {
        const chunk = "x".repeat(16 * 1024);
        let sent = 0;
        while (handler.send("chunk", chunk) && sent < 10_000) sent++;
        handler.data.stoppedAt = sent;
      });
      handler.on("close", (code: number) => closes.push({ name: handler.req.query?.name, code }));
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
    expect(await client.next("error")).toMatchObject({ code: "AEX_WS_BINARY" });
    client.send("boom");
    expect(await client.next("error")).toMatchObject({ code: "AEX_WS_HANDLER_FAILED" });
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
    const client = await TestClient.open(`ws://127.0.0.1:${port}/?name=silent`);
    // Stop reading: pings go unanswered, like a vanished peer.
    (client.socket as unknown as { _socket: { pause(): void } })._socket.pause();
    const deadline = Date.now() + 2000;
    const silent = () => closes.filter((c) => c.name === "silent");
    while (silent().length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(silent()).toEqual([{ name: "silent", code: 1006 }]);
    client.socket.terminate();
  });

  it("closes a client that does not read (backpressure) instead of buffering without bound", async () => {
    const client = await TestClient.open(`ws://127.0.0.1:${port}/`);
    const handlerClosed = new Promise<void>((resolve) => {
      const before = ws.handlers.size;
      const timer = setInterval(() => {
        if (ws.handlers.size < before) {
          clearInterval(timer);
          resolve();
        }
      }, 20);
    });
    (client.socket as unknown as { _socket: { pause(): void } })._socket.pause();
    client.send("flood");
    await handlerClosed;
    client.socket.terminate();
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
