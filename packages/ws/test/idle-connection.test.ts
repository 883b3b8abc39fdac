// What an idle connection keeps is trimmed (issue 29): its handler makes its listener table on
// first use, the upgrade's empty query is a smaller object, strings every client sends alike
// are shared between connections, the handshake's error listener goes once `ws` has the
// socket, the WebSocket's listener table has a fixed shape, the request's empty trailer
// lines are one shared array. These tests pin that none of it shows: the request,
// the query, the scope, the handler's events, the socket's and the request's listeners and a
// dropped client behave as before.
import { createConnection } from "node:net";
import { Aex } from "@aex/core";
import { WebSocketServer, type WebSocketHandler } from "@aex/ws";
import { TestClient } from "./support/client";

describe("an idle connection keeps what its handler offers", () => {
  let aex: Aex;
  let hub: WebSocketServer;
  let entered: WebSocketHandler[];
  let waiting: ((handler: WebSocketHandler) => void) | null;

  beforeAll(async () => {
    aex = new Aex();
    hub = new WebSocketServer(aex, { path: "/idle" });
    hub.on(WebSocketServer.ENTER, (handler) => {
      entered.push(handler);
      waiting?.(handler);
    });
    await aex.start(0, "127.0.0.1");
  });
  afterAll(() => aex.close());
  beforeEach(() => {
    entered = [];
    waiting = null;
  });

  function nextHandler(): Promise<WebSocketHandler> {
    return new Promise((resolve) => (waiting = resolve));
  }

  it("the upgrade request's headers, raw header lines, version, path and query, for each of two clients", async () => {
    const first = nextHandler();
    const a = await TestClient.open(`ws://127.0.0.1:${aex.port}/idle`, { "X-Client": "same", "X-Own": "a" });
    const one = await first;
    const second = nextHandler();
    const b = await TestClient.open(`ws://127.0.0.1:${aex.port}/idle`, { "X-Client": "same", "X-Own": "b" });
    const two = await second;
    for (const [handler, own] of [
      [one, "a"],
      [two, "b"],
    ] as const) {
      expect(handler.req.headers["x-client"]).toBe("same");
      expect(handler.req.headers["x-own"]).toBe(own);
      expect(handler.req.headers.upgrade).toBe("websocket");
      expect(handler.req.headers.host).toBe(`127.0.0.1:${aex.port}`);
      const raw = handler.req.rawHeaders;
      // node keeps a line's name as sent; Bun.serve gives names in lower case (its facade's rawHeaders).
      const line = (name: string) =>
        raw[raw.findIndex((value, i) => i % 2 === 0 && value.toLowerCase() === name.toLowerCase()) + 1];
      expect(line("X-Client")).toBe("same");
      expect(line("X-Own")).toBe(own);
      expect(line("Upgrade")).toBe("websocket");
      expect(line("Connection")).toBe("Upgrade");
      expect(handler.req.httpVersion).toBe("1.1");
      expect(handler.req.url).toBe("/idle");
      expect(handler.req.id).toEqual(expect.any(String));
      // No query string: an empty query without a prototype, the scope's own, and writable.
      const query = handler.req.query!;
      expect(Object.getPrototypeOf(query)).toBeNull();
      expect(Object.keys(query)).toEqual([]);
      expect(handler.scope.query).toBe(query);
      query.seen = own;
      expect(handler.scope.query.seen).toBe(own);
    }
    expect(one.req.id).not.toBe(two.req.id);
    a.close();
    b.close();
    await Promise.all([a.closed, b.closed]);
  });

  it("a query string is parsed as before", async () => {
    const entering = nextHandler();
    const client = await TestClient.open(`ws://127.0.0.1:${aex.port}/idle?room=7&tag=a&tag=b`);
    const handler = await entering;
    expect(handler.req.url).toBe("/idle?room=7&tag=a&tag=b");
    expect({ ...handler.req.query }).toEqual({ room: "7", tag: ["a", "b"] });
    expect(handler.scope.query).toBe(handler.req.query);
    client.close();
    await client.closed;
  });

  it("a handler with no listener of its own yet: none listed, events go to the server, listeners added later run", async () => {
    const entering = nextHandler();
    const client = await TestClient.open(`ws://127.0.0.1:${aex.port}/idle`);
    const handler = await entering;
    expect(handler.listenerCount("ping")).toBe(0);
    expect(handler.eventNames()).toEqual([]);
    expect(handler.listeners("close")).toEqual([]);
    expect(handler.emit("nobody", 1)).toBe(false);
    const atServer = new Promise<unknown>((resolve) => hub.once("early", (data: unknown) => resolve(data)));
    client.send("early", { n: 1 });
    expect(await atServer).toEqual({ n: 1 });

    handler.on("ping", (data) => handler.send("pong", data));
    expect(handler.eventNames()).toEqual(["ping"]);
    client.send("ping", { n: 2 });
    expect(await client.next("pong")).toEqual({ n: 2 });
    const closed = new Promise<[number, string]>((resolve) =>
      handler.on("close", (code, reason) => resolve([code, reason])),
    );
    client.socket.close(4000, "bye");
    expect(await closed).toEqual([4000, "bye"]);
    expect(hub.handlers.has(handler)).toBe(false);
  });

  it("the WebSocket's listeners: the four Aex listens with, in order, then yours, added and removed", async () => {
    const entering = nextHandler();
    const client = await TestClient.open(`ws://127.0.0.1:${aex.port}/idle`);
    const handler = await entering;
    const socket = handler.socket;
    expect(socket.eventNames()).toEqual(["message", "pong", "error", "close"]);
    for (const event of ["message", "pong", "error", "close"]) expect(socket.listenerCount(event)).toBe(1);

    const seen: string[] = [];
    const onMessage = (raw: Buffer) => seen.push(raw.toString());
    socket.on("message", onMessage);
    socket.on("custom", () => undefined);
    expect(socket.listenerCount("message")).toBe(2);
    expect(socket.eventNames()).toEqual(["message", "pong", "error", "close", "custom"]);
    handler.on("ping", (data) => handler.send("pong", data));
    client.send("ping", { n: 1 });
    expect(await client.next("pong")).toEqual({ n: 1 });
    expect(seen).toEqual(['{"event":"ping","data":{"n":1}}']);

    socket.off("message", onMessage);
    socket.removeAllListeners("custom");
    expect(socket.listenerCount("message")).toBe(1);
    expect(socket.eventNames()).toEqual(["message", "pong", "error", "close"]);
    client.send("ping", { n: 2 });
    expect(await client.next("pong")).toEqual({ n: 2 });
    expect(seen).toHaveLength(1);

    const closed = new Promise<number>((resolve) => socket.once("close", (code: number) => resolve(code)));
    const handlerClosed = new Promise<number>((resolve) => handler.on("close", (code) => resolve(code)));
    client.socket.close(4001, "done");
    expect(await closed).toBe(4001);
    expect(await handlerClosed).toBe(4001);
    expect(hub.handlers.has(handler)).toBe(false);
  });

  it("the upgrade request, read after the handshake: no stream listener left, no trailers, and events of yours", async () => {
    const entering = nextHandler();
    const client = await TestClient.open(`ws://127.0.0.1:${aex.port}/idle`);
    const { req } = await entering;
    expect(req.complete).toBe(true);
    expect(req.method).toBe("GET");
    expect(req.eventNames()).toEqual([]);
    for (const event of ["close", "error", "data", "end", "readable"]) expect(req.listenerCount(event)).toBe(0);
    expect(req.rawTrailers).toEqual([]);
    expect(req.trailers).toEqual({});
    expect(req.emit("close")).toBe(false);

    const got: unknown[] = [];
    req.on("custom", (value: unknown) => got.push(value));
    expect(req.eventNames()).toEqual(["custom"]);
    expect(req.emit("custom", 1)).toBe(true);
    req.removeAllListeners("custom");
    expect(req.emit("custom", 2)).toBe(false);
    expect(got).toEqual([1]);
    expect(() => req.emit("error", new Error("nobody listens"))).toThrow("nobody listens");
    client.close();
    await client.closed;
  });

  it("a client that drops its TCP connection: the handler closes with 1006, the hub serves the next one", async () => {
    const entering = nextHandler();
    const socket = createConnection(aex.port!, "127.0.0.1");
    await new Promise<void>((resolve) => socket.once("connect", () => resolve()));
    socket.write(
      "GET /idle HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n",
    );
    const head = await new Promise<string>((resolve) => socket.once("data", (chunk) => resolve(chunk.toString())));
    expect(head).toMatch(/^HTTP\/1\.1 101 /);
    const handler = await entering;
    const closed = new Promise<number>((resolve) => handler.on("close", (code) => resolve(code)));
    socket.resetAndDestroy();
    expect(await closed).toBe(1006);
    expect(hub.handlers.has(handler)).toBe(false);

    const next = nextHandler();
    const client = await TestClient.open(`ws://127.0.0.1:${aex.port}/idle`);
    expect(hub.handlers.has(await next)).toBe(true);
    client.close();
    await client.closed;
  });
});
