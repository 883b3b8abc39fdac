// handler.follow() under hostile clients: an app passes what a client sent in a message as
// `lastEventId` and as part of the channel's name. Whatever the client sends, it gets a clear
// answer (the events it missed, a refetch, or an error event), the server keeps serving, and
// what a connection followed is let go when it leaves.
import { Aex, MemoryReplayStore, RedisReplayStore, type ReplayStore } from "@aex/core";
import { WebSocketServer } from "@aex/ws";
import { createClient } from "redis";
import { startRedis, type RedisServer } from "../../session/test/support/redis-server";
import { TestClient } from "./support/client";
import { gatedStore, logsOf, roomsApp, until } from "./support/rooms";

const refetchUnknown = (head: string) => ({
  event: "refetch",
  data: { reason: "unknown", lastEventId: null },
  id: head,
});

describe("handler.follow(): a lastEventId a client made up (MemoryReplayStore)", () => {
  let store: MemoryReplayStore;
  let app: { aex: Aex; url: string };
  beforeEach(async () => {
    store = new MemoryReplayStore({ size: 3 });
    app = await roomsApp(store);
    for (let n = 1; n <= 4; n++) await store.publish("room:red", "said", { n });
  });
  afterEach(() => app.aex.close());

  it.each<[string, unknown]>([
    ["a number", 3],
    ["an object", { id: "3" }],
    ["an array", ["3"]],
    ["a boolean", true],
    ["a string over 1024 bytes", "3".padStart(1025, "0")],
    ["a 10 MB string", "9".repeat(10 * 1024 * 1024)],
  ])("%s is refused like SSE's Last-Event-ID: refetch (unknown), echoed as null", async (_, lastEventId) => {
    const client = await TestClient.open(app.url);
    client.send("join", { room: "red", lastEventId });
    expect(await client.first()).toEqual(refetchUnknown("4"));
    expect(await client.first()).toEqual({ event: "joined", data: { room: "red", head: "4" } });
    await store.publish("room:red", "said", { n: 5 });
    expect(await client.first()).toEqual({ event: "said", data: { n: 5 }, id: "5" });
    client.close();
  });

  it.each<[string, string]>([
    ["another store's format (ms-seq)", "1700000000000-0"],
    ["ahead of the head", "99"],
    ["negative", "-1"],
    ["NaN", "NaN"],
    ["a fraction", "3.5"],
    ["a form with an empty seq", "3-"],
    ["a seq other than 0", "3-1"],
    ["too many digits", "3".repeat(17)],
    ["a control character", "3\n"],
  ])("%s gets refetch (unknown) with the id echoed", async (_, lastEventId) => {
    const client = await TestClient.open(app.url);
    client.send("join", { room: "red", lastEventId });
    expect(await client.first()).toEqual({
      event: "refetch",
      data: { reason: "unknown", lastEventId },
      id: "4",
    });
    expect(await client.next("joined")).toEqual({ room: "red", head: "4" });
    client.close();
  });

  it.each<[string, unknown]>([
    ["null", null],
    ["an empty string", ""],
  ])("%s is a new client, like an empty Last-Event-ID", async (_, lastEventId) => {
    const client = await TestClient.open(app.url);
    client.send("join", { room: "red", lastEventId });
    expect(await client.first()).toEqual({ event: "joined", data: { room: "red", head: "4" } });
    client.close();
  });

  it('"0" on a trimmed log is trimmed; leading zeros and "3-0" name the counter they spell', async () => {
    const client = await TestClient.open(app.url);
    client.send("join", { room: "red", lastEventId: "0" });
    expect(await client.first()).toEqual({ event: "refetch", data: { reason: "trimmed", lastEventId: "0" }, id: "4" });
    expect(await client.next("joined")).toEqual({ room: "red", head: "4" });
    for (const lastEventId of ["003", "3-0"]) {
      client.send("join", { room: "red", lastEventId });
      expect(await client.first()).toEqual({ event: "said", data: { n: 4 }, id: "4" });
      expect(await client.next("joined")).toEqual({ room: "red", head: "4" });
    }
    client.close();
  });
});

describe("handler.follow(): many channels, the same one again, a close mid-follow", () => {
  it("regression: a client naming channels holds at most maxFollows (100) of them; past it AEX_WS_TOO_MANY_FOLLOWS", async () => {
    const store = new MemoryReplayStore();
    const { aex, url } = await roomsApp(store);
    try {
      const client = await TestClient.open(url);
      for (let n = 0; n < 150; n++) client.send("join", { room: `r${n}` });
      const answers: string[] = [];
      for (let n = 0; n < 150; n++) {
        const message = (await client.first()) as { event: string; data: { code?: string } };
        answers.push(message.event === "error" ? message.data.code! : message.event);
      }
      expect(answers.filter((a) => a === "joined")).toHaveLength(100);
      expect(answers.filter((a) => a === "AEX_WS_TOO_MANY_FOLLOWS")).toHaveLength(50);
      expect(logsOf(store)).toBe(100);
      // Following one it holds again is not one more; leaving one frees a place.
      client.send("join", { room: "r0" });
      expect(await client.next("joined")).toEqual({ room: "r0", head: "0" });
      client.send("leave", "r1");
      expect(await client.next("left")).toBe("r1");
      client.send("join", { room: "r149" });
      expect(await client.next("joined")).toEqual({ room: "r149", head: "0" });
      client.close();
    } finally {
      await aex.close();
    }
  });

  it("a client allowed 2,000 channels (maxFollows) holds them while open; none is left after it closes", async () => {
    const store = new MemoryReplayStore();
    const { aex, url } = await roomsApp(store, 2000);
    try {
      const client = await TestClient.open(url);
      for (let n = 0; n < 2000; n++) client.send("join", { room: `r${n}` });
      for (let n = 0; n < 2000; n++) await client.next("joined");
      expect(logsOf(store)).toBe(2000);
      client.close();
      await client.closed;
      // Nobody published to them and nobody follows them: nothing is kept for a day.
      await until(() => logsOf(store) === 0);
      // The server still serves.
      const next = await TestClient.open(url);
      next.send("join", { room: "r1" });
      expect(await next.next("joined")).toEqual({ room: "r1", head: "0" });
      next.close();
    } finally {
      await aex.close();
    }
  });

  it("the same channel followed 500 times over gets each event once", async () => {
    const store = new MemoryReplayStore();
    const { aex, url } = await roomsApp(store);
    try {
      const client = await TestClient.open(url);
      for (let n = 0; n < 500; n++) client.send("join", { room: "same" });
      for (let n = 0; n < 500; n++) await client.next("joined");
      const listeners = (store as unknown as { logs: Map<string, { listeners: Set<unknown> }> }).logs.get("room:same")!
        .listeners.size;
      expect(listeners).toBe(1);
      await store.publish("room:same", "said", "once");
      expect(await client.first()).toEqual({ event: "said", data: "once", id: "1" });
      // A second delivery of the first would come before the next event.
      await store.publish("room:same", "said", "twice?");
      expect(await client.first()).toEqual({ event: "said", data: "twice?", id: "2" });
      client.close();
    } finally {
      await aex.close();
    }
  });

  it("a client that closes while its follows are under way leaves nothing behind", async () => {
    const memory = new MemoryReplayStore();
    const gated = gatedStore(memory);
    const { aex, url, hub } = await roomsApp(gated.store);
    try {
      const client = await TestClient.open(url);
      for (let n = 0; n < 50; n++) client.send("join", { room: `c${n}`, lastEventId: "0" });
      // Every follow has joined its feed and waits for its read of the log.
      await gated.reading(50);
      expect(logsOf(memory)).toBe(50);
      client.socket.terminate();
      await client.closed;
      await until(() => hub.handlers.size === 0);
      // The reads answer once the connection is gone: each follow leaves what it joined.
      gated.open();
      await until(() => logsOf(memory) === 0);
      const next = await TestClient.open(url);
      next.send("join", { room: "c1" });
      expect(await next.next("joined")).toEqual({ room: "c1", head: "0" });
      next.close();
    } finally {
      await aex.close();
    }
  });
});

describe("handler.follow(): made-up ids on a RedisReplayStore", () => {
  let redis: RedisServer;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(() => redis.stop());

  it("an id of any shape gets refetch or what followed it, never a failed read", async () => {
    const client = createClient({ url: redis.url });
    client.on("error", () => undefined);
    const store = new RedisReplayStore(client, { prefix: `hostile:${Date.now()}:` });
    const { aex, url } = await roomsApp(store);
    try {
      const first = await store.publish("room:ops", "said", { n: 1 });
      const head = await store.publish("room:ops", "said", { n: 2 });
      const [ms] = first.split("-");
      const socket = await TestClient.open(url);
      for (const lastEventId of [
        "5",
        `${ms}-123456789012345`,
        `${ms}-99999999999999999999`,
        `1-${"9".repeat(400)}`,
        "abc",
        "-1",
        "1-",
        "1e5",
      ]) {
        socket.send("join", { room: "ops", lastEventId });
        const answer = await socket.first();
        expect(answer.event).toBe("refetch");
        expect(answer).toMatchObject({ data: { reason: "unknown", lastEventId }, id: head });
        expect(await socket.next("joined")).toEqual({ room: "ops", head });
      }
      for (const lastEventId of [12, { a: 1 }, "1".repeat(2000)]) {
        socket.send("join", { room: "ops", lastEventId });
        expect(await socket.first()).toEqual(refetchUnknown(head));
        expect(await socket.next("joined")).toEqual({ room: "ops", head });
      }
      // Leading zeros name the id they spell.
      socket.send("join", { room: "ops", lastEventId: `000${first}` });
      expect(await socket.first()).toEqual({ event: "said", data: { n: 2 }, id: head });
      expect(await socket.next("joined")).toEqual({ room: "ops", head });
      socket.close();
    } finally {
      await aex.close();
      if (client.isOpen) await client.close(); // the store closed it with the app
    }
  });
});
