// @decorator-modes both: @ws routes.
import { connect } from "node:net";
import WebSocket from "ws";
import {
  Aex,
  get,
  HttpError,
  inject,
  query,
  type AexRequest,
  type AexResponse,
  type HttpError as HttpErrorType,
  type Scope,
} from "@aex/core";
import { session } from "@aex/session";
import { hubOf, ws, WebSocketServer, type WebSocketHandler } from "@aex/ws";
import { TestClient } from "./support/client";

const loggedIn = (_req: AexRequest, _res: AexResponse, scope: Scope) => {
  if (typeof scope.session.user !== "string") throw new HttpError(401, "Log in first", { code: "NOTES_LOGIN" });
};

const notBanned = (req: AexRequest) => {
  if (req.headers["x-user"] === "mallory") {
    throw new HttpError(403, "Banned", { code: "NOTES_BANNED", headers: { "x-ban-reason": "spam" } });
  }
};

class Chat {
  @get("/login")
  @session()
  login(_req: AexRequest, res: AexResponse, scope: Scope) {
    scope.session.user = "alice";
    res.end("in");
  }

  @get("/rooms/:room")
  room(_req: AexRequest, res: AexResponse, scope: Scope) {
    res.json({ room: scope.params.room });
  }

  @ws("/chat/:room")
  @query()
  @session()
  @inject(loggedIn)
  @inject(notBanned)
  join(handler: WebSocketHandler, scope: Scope) {
    const room = scope.params.room;
    handler.join(room);
    handler.send("welcome", { user: scope.session.user, room, lang: scope.query.lang, seen: scope.inner.seen });
    handler.on("say", (text: string) => handler.to(room).send("said", { user: scope.session.user, text }));
  }
}

/** An app with the chat controller, an `aex.use` middleware and a custom error handler. */
function chatApp() {
  const errors: { status: number; code?: string; upgrade: boolean }[] = [];
  const aex = new Aex({ maxParamLength: 10 }).push(Chat);
  aex.use((req, _res, scope) => {
    scope.inner.seen = `use:${req.headers.upgrade ?? "http"}`;
  });
  aex.setErrorHandler((error: HttpErrorType, req) => {
    errors.push({ status: error.status, code: error.code, upgrade: req.headers.upgrade === "websocket" });
  });
  return { aex, errors };
}

describe("@ws(path) on a controller", () => {
  it("refuses an anonymous upgrade with @session's guard: 401 before the upgrade, seen by the error handler", async () => {
    const { aex, errors } = chatApp();
    const res = await aex.inject().ws("/chat/lobby");
    expect(res.status).toBe(401);
    expect(res.socket).toBeNull();
    expect(res.json()).toMatchObject({
      status: 401,
      title: "Unauthorized",
      code: "NOTES_LOGIN",
      detail: "Log in first",
    });
    expect(errors).toEqual([{ status: 401, code: "NOTES_LOGIN", upgrade: true }]);
    expect(hubOf(aex).handlers.size).toBe(0);
    await aex.close();
  });

  it("refuses with an @inject guard's 403 and its headers, seen by the error handler", async () => {
    const { aex, errors } = chatApp();
    const client = aex.inject();
    await client.get("/login");
    const res = await client.ws("/chat/lobby", { "x-user": "mallory" });
    expect(res.status).toBe(403);
    expect(res.headers["x-ban-reason"]).toBe("spam");
    expect(res.json()).toMatchObject({ status: 403, code: "NOTES_BANNED" });
    expect(errors).toEqual([{ status: 403, code: "NOTES_BANNED", upgrade: true }]);
    await aex.close();
  });

  it("lets a logged-in client in with scope.session, scope.params and scope.query ready, after aex.use ran", async () => {
    const { aex } = chatApp();
    const alice = aex.inject();
    expect((await alice.get("/login")).text()).toBe("in");
    const res = await alice.ws("/chat/lobby%201?lang=fr");
    expect(res.status).toBe(101);
    const socket = res.socket!;
    expect(await socket.next("welcome")).toEqual({
      user: "alice",
      room: "lobby 1",
      lang: "fr",
      seen: "use:websocket",
    });
    const second = (await alice.ws("/chat/lobby%201")).socket!;
    await second.next("welcome");
    socket.send("say", "hi");
    expect(await second.next("said")).toEqual({ user: "alice", text: "hi" });
    expect(await socket.next("said")).toEqual({ user: "alice", text: "hi" });
    await aex.close();
    expect((await socket.closed).code).toBe(1001);
  });

  it("answers an over-long parameter with the same 414 for HTTP and WebSocket paths", async () => {
    const { aex, errors } = chatApp();
    const client = aex.inject();
    await client.get("/login");
    const http = await client.get(`/rooms/${"x".repeat(11)}`);
    const upgrade = await client.ws(`/chat/${"x".repeat(11)}`);
    expect(http.status).toBe(414);
    expect(upgrade.status).toBe(414);
    // Same problem body, apart from the members that name the request itself.
    const { instance: httpInstance, requestId: httpId, ...httpProblem } = http.json<Record<string, unknown>>();
    const {
      instance: upgradeInstance,
      requestId: upgradeId,
      ...upgradeProblem
    } = upgrade.json<Record<string, unknown>>();
    expect(upgradeProblem).toEqual(httpProblem);
    expect([httpInstance, upgradeInstance]).toEqual([`/rooms/${"x".repeat(11)}`, `/chat/${"x".repeat(11)}`]);
    expect(httpId).toBe(http.headers["x-request-id"]);
    expect(upgradeId).toEqual(expect.any(String));
    expect(upgradeId).not.toBe(httpId);
    expect(upgrade.json()).toMatchObject({ code: "AEX_PARAM_TOO_LONG" });
    expect(errors.map((e) => [e.status, e.upgrade])).toEqual([
      [414, false],
      [414, true],
    ]);
    await aex.close();
  });

  it("answers an upgrade no route serves with the app's 404", async () => {
    const { aex } = chatApp();
    const res = await aex.inject().ws("/nowhere");
    expect(res.status).toBe(404);
    expect(res.json()).toMatchObject({ code: "AEX_NOT_FOUND" });
    await aex.close();
  });

  it("answers a plain request to a WebSocket path: 426 for GET, 405 with Allow otherwise, 204 for OPTIONS", async () => {
    const { aex, errors } = chatApp();
    const client = aex.inject();
    const plain = await client.get("/chat/lobby");
    expect(plain.status).toBe(426);
    expect(plain.headers.upgrade).toBe("websocket");
    expect(plain.json()).toMatchObject({ status: 426, code: "AEX_UPGRADE_REQUIRED", instance: "/chat/lobby" });
    const posted = await client.post("/chat/lobby");
    expect(posted.status).toBe(405);
    expect(posted.headers.allow).toBe("GET, OPTIONS");
    expect(posted.json()).toMatchObject({ status: 405, code: "AEX_METHOD_NOT_ALLOWED", instance: "/chat/lobby" });
    const head = await client.head("/chat/lobby");
    expect(head.status).toBe(405);
    expect(head.headers.allow).toBe("GET, OPTIONS");
    expect(head.text()).toBe("");
    const options = await client.options("/chat/lobby");
    expect(options.status).toBe(204);
    expect(options.headers.allow).toBe("GET, OPTIONS");
    // An upgrade asks for a protocol, not a method: a path with only HTTP routes stays a 404.
    const upgrade = await client.ws("/rooms/a");
    expect(upgrade.status).toBe(404);
    expect(upgrade.json()).toMatchObject({ code: "AEX_NOT_FOUND" });
    expect(errors).toEqual([
      { status: 426, code: "AEX_UPGRADE_REQUIRED", upgrade: false },
      { status: 405, code: "AEX_METHOD_NOT_ALLOWED", upgrade: false },
      { status: 405, code: "AEX_METHOD_NOT_ALLOWED", upgrade: false },
      { status: 404, code: "AEX_NOT_FOUND", upgrade: true },
    ]);
    await aex.close();
  });

  it("answers the same 426 and 405 over a real port, and still upgrades", async () => {
    const { aex } = chatApp();
    await aex.start(0, "127.0.0.1");
    try {
      const base = `http://127.0.0.1:${aex.port}`;
      const plain = await fetch(`${base}/chat/a`);
      expect(plain.status).toBe(426);
      expect(plain.headers.get("upgrade")).toBe("websocket");
      expect(await plain.json()).toMatchObject({ code: "AEX_UPGRADE_REQUIRED" });
      const posted = await fetch(`${base}/chat/a`, { method: "POST" });
      expect(posted.status).toBe(405);
      expect(posted.headers.get("allow")).toBe("GET, OPTIONS");
      expect(await posted.json()).toMatchObject({ code: "AEX_METHOD_NOT_ALLOWED" });
      const login = await fetch(`${base}/login`);
      const cookie = login.headers.get("set-cookie")!.split(";")[0];
      const socket = await TestClient.open(`ws://127.0.0.1:${aex.port}/chat/a`, { Cookie: cookie });
      expect(await socket.next("welcome")).toMatchObject({ user: "alice", room: "a" });
      socket.close();
    } finally {
      await aex.close();
    }
  });

  it("serves the same line over a real port", async () => {
    const { aex } = chatApp();
    await aex.start(0, "127.0.0.1");
    try {
      const refused = await TestClient.open(`ws://127.0.0.1:${aex.port}/chat/a`).catch((error) => error);
      expect(refused.status).toBe(401);
      expect(JSON.parse(refused.body)).toMatchObject({ code: "NOTES_LOGIN" });
      const login = aex.inject();
      await login.get("/login");
      const client = await TestClient.open(`ws://127.0.0.1:${aex.port}/chat/a`, {
        cookie: [...login.cookies].map(([k, v]) => `${k}=${v}`).join("; "),
      });
      expect(await client.next("welcome")).toMatchObject({ user: "alice", room: "a" });
      client.close();
    } finally {
      await aex.close();
    }
  });
});

describe("ws.use(async (req, ws, scope) => …)", () => {
  it("receives the WebSocket after the upgrade; false closes with 1008 and a reason, a throw with 1011", async () => {
    const aex = new Aex();
    const server = new WebSocketServer(aex, { path: "/live" });
    const seen: unknown[] = [];
    server.use(async (req, socket, scope) => {
      seen.push(socket instanceof WebSocket, socket.readyState === WebSocket.OPEN);
      if (scope.query.deny) return false;
      if (scope.query.boom) throw new Error("boom");
      scope.inner.name = req.headers["x-name"];
    });
    server.on(WebSocketServer.ENTER, (handler) => handler.send("hello", handler.scope.inner.name));
    const client = aex.inject();
    const ok = await client.ws("/live", { "x-name": "ada" });
    expect(ok.status).toBe(101);
    expect(await ok.socket!.next("hello")).toBe("ada");
    expect(seen).toEqual([true, true]);
    const denied = await client.ws("/live?deny=1");
    expect(denied.status).toBe(101);
    expect(await denied.socket!.closed).toEqual({ code: 1008, reason: "Refused by a middleware" });
    const failed = await client.ws("/live?boom=1");
    expect(await failed.socket!.closed).toEqual({ code: 1011, reason: "Internal error" });
    await aex.close();
  });
});

describe("request ids on upgrades (regression: handleUpgrade set no req.id)", () => {
  it("echoes X-Request-Id on a refusal (header and problem body) and on the 101, where the line's headers go too", async () => {
    const { aex } = chatApp();
    aex.use((_req, res) => res.setHeader("x-served-by", "instance-1"));
    await aex.start(0, "127.0.0.1");
    try {
      const url = `ws://127.0.0.1:${aex.port}/chat/a`;
      const refused = await new Promise<{ status: number; id: unknown; body: string }>((resolve, reject) => {
        const socket = new WebSocket(url);
        socket.on("open", () => reject(new Error("upgraded without a login")));
        socket.on("error", () => undefined);
        socket.on("unexpected-response", (_req, res) => {
          let body = "";
          res.on("data", (chunk: Buffer) => (body += chunk));
          res.on("end", () => resolve({ status: res.statusCode!, id: res.headers["x-request-id"], body }));
        });
      });
      expect(refused.status).toBe(401);
      expect(typeof refused.id).toBe("string");
      expect(JSON.parse(refused.body)).toMatchObject({ code: "NOTES_LOGIN", requestId: refused.id });

      const login = aex.inject();
      await login.get("/login");
      const cookie = [...login.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
      const upgraded = await new Promise<{ status: number; headers: Record<string, unknown> }>((resolve, reject) => {
        const socket = new WebSocket(url, { headers: { cookie } });
        socket.on("upgrade", (res) => resolve({ status: res.statusCode!, headers: res.headers }));
        socket.on("open", () => socket.close());
        socket.on("error", reject);
      });
      expect(upgraded.status).toBe(101);
      expect(typeof upgraded.headers["x-request-id"]).toBe("string");
      expect(upgraded.headers["x-request-id"]).not.toBe(refused.id);
      // A header a middleware set before the upgrade is in the 101 as well.
      expect(upgraded.headers["x-served-by"]).toBe("instance-1");
      expect(upgraded.headers.upgrade).toBe("websocket");
    } finally {
      await aex.close();
    }
  });
});

describe("AEX_WS_CLOSING", () => {
  it("refuses an upgrade with 503 once the app's WebSocket hub is closing", async () => {
    class Live {
      @ws("/live")
      live(handler: WebSocketHandler) {
        handler.send("hello");
      }
    }
    const aex = new Aex().push(Live);
    const client = aex.inject();
    const before = await client.ws("/live");
    expect(before.status).toBe(101);
    expect(await before.socket!.next("hello")).toBeUndefined();
    const closing = hubOf(aex).close();
    const refused = await client.ws("/live");
    expect(refused.status).toBe(503);
    expect(refused.socket).toBeNull();
    expect(refused.json()).toMatchObject({
      status: 503,
      title: "Service Unavailable",
      code: "AEX_WS_CLOSING",
    });
    await closing;
    expect(await before.socket!.closed).toEqual({ code: 1001, reason: "Server shutting down" });
    await aex.close();
  });
});

// Regression: an upgrade sent with an absolute-form target (`GET http://host/live`, which
// RFC 9112 §3.2.2 says a server must accept) answered 404: plain requests were routed by
// the target's path, upgrades were not.
describe("absolute-form upgrade targets", () => {
  it("upgrades GET http://host/live like GET /live", async () => {
    class Live {
      @ws("/live")
      live(handler: WebSocketHandler) {
        handler.send("hello");
      }
    }
    const aex = new Aex({ logger: false }).push(Live);
    await aex.start(0, "127.0.0.1");
    try {
      const head = await new Promise<string>((resolve, reject) => {
        const socket = connect(aex.port as number, "127.0.0.1", () =>
          socket.write(
            "GET http://example.test/live HTTP/1.1\r\nHost: other.test\r\nUpgrade: websocket\r\n" +
              "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n",
          ),
        );
        let text = "";
        socket.on("data", (chunk: Buffer) => {
          text += chunk.toString("latin1");
          if (!text.includes("\r\n\r\n")) return;
          socket.destroy();
          resolve(text.slice(0, text.indexOf("\r\n\r\n")));
        });
        socket.on("error", reject);
      });
      expect(head).toMatch(/^HTTP\/1\.1 101 Switching Protocols\r\n/);
      // The accept key RFC 6455 §1.3 derives from this request's key.
      expect(head).toMatch(/\r\nsec-websocket-accept: s3pPLMBiTxaQ9kYGzzhZRbK\+xOo=(\r\n|$)/i);
    } finally {
      await aex.close();
    }
  });
});
