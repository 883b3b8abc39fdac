import { execFileSync, fork, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { Aex } from "@aex/core";
import { health } from "@aex/core/health";
import { hubOf, WebSocketServer, websockets } from "@aex/ws";
import { RedisAdapter } from "@aex/ws/redis";
import { createClient, type RedisClientType } from "redis";
import { startRedis, type RedisServer } from "../../session/test/support/redis-server";
import { TestClient } from "./support/client";

const root = join(__dirname, "../../..");

describe("RedisAdapter: broadcasts shared by two processes", () => {
  let redis: RedisServer;
  let child: ChildProcess;
  let childPort: number;
  let aex: Aex;
  let ws: WebSocketServer;

  beforeAll(async () => {
    // The other process runs the built packages: make sure they are current.
    execFileSync(join(root, "node_modules/.bin/tsc"), ["-b", "packages/ws"], { cwd: root });
    redis = await startRedis();
    child = fork(join(__dirname, "fixtures/broadcast-process.js"), [redis.url], { stdio: "inherit" });
    childPort = await new Promise<number>((resolve, reject) => {
      child.once("message", (message: { port: number }) => resolve(message.port));
      child.once("exit", (code) => reject(new Error(`the other process exited with ${code}`)));
    });
    aex = new Aex();
    await aex.start(0, "127.0.0.1");
    ws = new WebSocketServer(aex, { adapter: new RedisAdapter({ url: redis.url }) });
    ws.on(WebSocketServer.ENTER, (handler) => {
      handler.on("join", (room: string) => {
        handler.join(room);
        handler.send("joined", room);
      });
      handler.on("shout", ({ room, text }: { room: string; text: string }) => ws.to(room).send("shout", text));
    });
    await ws.ready;
  }, 60_000);

  afterAll(async () => {
    await aex?.close();
    if (child?.connected) {
      await new Promise((resolve) => {
        child.once("exit", resolve);
        child.send("stop");
      });
    }
    await redis?.stop();
  });

  it("delivers a room message sent in one process to members in the other", async () => {
    const here = await TestClient.open(`ws://127.0.0.1:${aex.port}/`);
    const there = await TestClient.open(`ws://127.0.0.1:${childPort}/`);
    const outsider = await TestClient.open(`ws://127.0.0.1:${childPort}/`);
    for (const client of [here, there]) {
      client.send("join", "red");
      await client.next("joined");
    }
    there.send("shout", { room: "red", text: "from the other process" });
    expect(await here.next("shout")).toBe("from the other process");
    expect(await there.next("shout")).toBe("from the other process");
    here.send("shout", { room: "red", text: "from this process" });
    expect(await there.next("shout")).toBe("from this process");
    expect(await here.next("shout")).toBe("from this process");
    // Barriers instead of waiting for what must not arrive. Redis relays the publishes of one
    // connection in order, and relayed "from this process" to every subscriber (ours too)
    // before "there" read it: what the other process publishes now reaches us after it.
    there.send("shout", { room: "red", text: "barrier" });
    // Delivered once: the publisher does not get its own broadcast back from Redis.
    expect(await here.first()).toEqual({ event: "shout", data: "barrier" });
    expect(await there.first()).toEqual({ event: "shout", data: "barrier" });
    // Published after both shouts by this process: the outsider, in no room, gets it first.
    ws.broadcast("marker");
    expect(await outsider.first()).toEqual({ event: "marker" });
    [here, there, outsider].forEach((c) => c.close());
  });

  it("delivers ws.broadcast() to everyone in both processes", async () => {
    const here = await TestClient.open(`ws://127.0.0.1:${aex.port}/`);
    const there = await TestClient.open(`ws://127.0.0.1:${childPort}/`);
    ws.broadcast("news", { n: 1 });
    expect(await here.next("news")).toEqual({ n: 1 });
    expect(await there.next("news")).toEqual({ n: 1 });
    here.close();
    there.close();
  });
});

describe("RedisAdapter when Redis misbehaves", () => {
  let redis: RedisServer;
  let aex: Aex;
  let ws: WebSocketServer;
  let port: number;
  let publisher: RedisClientType;

  beforeAll(async () => {
    redis = await startRedis();
    aex = new Aex();
    await aex.start(0, "127.0.0.1");
    port = aex.port!;
    ws = new WebSocketServer(aex, { heartbeat: 0, adapter: new RedisAdapter({ url: redis.url }) });
    ws.on(WebSocketServer.ENTER, (handler) => handler.on("ping", () => handler.send("pong")));
    await ws.ready;
    // Another "process" on the channel: a plain Redis client publishing what it likes.
    publisher = createClient({ url: redis.url }) as RedisClientType;
    publisher.on("error", () => undefined); // Redis is stopped on purpose below
    await publisher.connect();
  }, 60_000);

  afterAll(async () => {
    await publisher?.close().catch(() => undefined);
    await aex?.close();
    await redis?.stop();
  });

  it("drops malformed broadcasts and delivers the next good one", async () => {
    const client = await TestClient.open(`ws://127.0.0.1:${port}/`);
    for (const text of [
      "not json",
      "null",
      "42",
      "[]",
      "{}",
      JSON.stringify({ origin: "elsewhere", event: 7, data: 1 }),
      JSON.stringify({ origin: "elsewhere", event: "" }),
      JSON.stringify({ origin: "elsewhere", event: "news", room: 5 }),
      JSON.stringify({ event: "news", data: "no origin" }),
    ]) {
      expect(await publisher.publish("aex:ws", text)).toBe(1);
    }
    expect(await publisher.publish("aex:ws", JSON.stringify({ origin: "elsewhere", event: "news", data: 1 }))).toBe(1);
    expect(await client.first()).toEqual({ event: "news", data: 1 });
    client.send("ping");
    expect(await client.first()).toEqual({ event: "pong" });
    client.close();
  });

  it("keeps delivering in this process while Redis is down, and shares again once it is back", async () => {
    const client = await TestClient.open(`ws://127.0.0.1:${port}/`);
    await redis.stop();
    // The publish to Redis fails (and is logged); this process's clients still get it.
    ws.broadcast("local", 1);
    expect(await client.first()).toEqual({ event: "local", data: 1 });
    client.send("ping");
    expect(await client.first()).toEqual({ event: "pong" });

    await redis.start();
    // Both clients reconnect on their own; the adapter subscribes again. Publish until
    // Redis counts a subscriber (bounded), then that one broadcast is the first to arrive.
    let subscribers = 0;
    for (let attempt = 0; attempt < 100 && subscribers === 0; attempt++) {
      if (!publisher.isReady) await new Promise((resolve) => setTimeout(resolve, 100));
      else subscribers = await publisher.publish("aex:ws", JSON.stringify({ origin: "elsewhere", event: "back" }));
      if (subscribers === 0) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(subscribers).toBe(1);
    expect(await client.first()).toEqual({ event: "back" });
    client.close();
  }, 30_000);

  // Regression (CI stop 20): node-redis's close() waits for the replies of commands in
  // flight; a broadcast published as Redis died is never answered, so aex.close() hung.
  it("closes the app while Redis is down with a broadcast in flight", async () => {
    const client = await TestClient.open(`ws://127.0.0.1:${port}/`);
    await redis.stop();
    ws.broadcast("lost", 1);
    await aex.close();
    expect(await client.closed).toEqual({ code: 1001, reason: "Server shutting down" });
  });
});

describe("RedisAdapter: ready means ready (issue 29)", () => {
  let redis: RedisServer;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(() => redis.stop());

  it("aex.start() waits for the hub's adapter: subscribed before the first request", async () => {
    const aex = new Aex()
      .use(health())
      .register(websockets, { heartbeat: 0, adapter: new RedisAdapter({ url: redis.url }) });
    await aex.start(0, "127.0.0.1");
    try {
      const ready = await fetch(`http://127.0.0.1:${aex.port}/health/ready`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toEqual({ status: "ready", checks: {}, dependencies: { "websocket adapter": "up" } });
      expect(hubOf(aex).app).toBe(aex);
      // Subscribed before start() resolved: another process's first broadcast has a listener.
      const other = createClient({ url: redis.url });
      await other.connect();
      try {
        expect(await other.publish("aex:ws", JSON.stringify({ origin: "elsewhere", event: "hello" }))).toBe(1);
      } finally {
        await other.close();
      }
    } finally {
      await aex.close();
    }
  });

  it("an adapter that is not connected yet keeps readiness at 503 'connecting' until it is", async () => {
    await redis.stop();
    const aex = new Aex().use(health());
    await aex.start(0, "127.0.0.1");
    const base = `http://127.0.0.1:${aex.port}`;
    // Made after start(): nothing waited for it, readiness does.
    const ws = new WebSocketServer(aex, { heartbeat: 0, adapter: new RedisAdapter({ url: redis.url }) });
    try {
      const waiting = await fetch(`${base}/health/ready`);
      expect(waiting.status).toBe(503);
      expect(await waiting.json()).toMatchObject({
        status: 503,
        code: "AEX_NOT_READY",
        details: { state: "serving", dependencies: { "websocket adapter": "connecting" } },
      });
      await redis.start();
      await ws.ready;
      const ready = await fetch(`${base}/health/ready`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toEqual({ status: "ready", checks: {}, dependencies: { "websocket adapter": "up" } });
    } finally {
      await aex.close();
    }
  }, 30_000);
});
