import { execFileSync, fork, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { Aex } from "@aex/core";
import { WebSocketServer } from "@aex/ws";
import { RedisAdapter } from "@aex/ws/redis";
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
    await expect(outsider.next("shout", 300)).rejects.toThrow(/no "shout"/);
    // Delivered once each: the publisher does not get its own broadcast back from Redis.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(here.messages.filter((m) => m.event === "shout")).toEqual([]);
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
