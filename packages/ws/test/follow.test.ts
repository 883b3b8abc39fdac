// handler.follow(store, channel) (issue 29): a room's broadcast through a replay log, the
// same store resumable SSE routes use. A client that reconnects, to any instance, with the
// last id it got, gets what it missed, then the live events, in order and none twice.
import { Aex, MemoryReplayStore, RedisReplayStore, type ReplayStore } from "@aex/core";
import { WebSocketServer } from "@aex/ws";
import { createClient } from "redis";
import { startRedis, type RedisServer } from "../../session/test/support/redis-server";
import { TestClient } from "./support/client";
import { gatedStore, roomsApp } from "./support/rooms";

describe("handler.follow(store, channel, { lastEventId })", () => {
  it("regression: unfollow() while its follow() is under way leaves the channel (the follow held it until the socket closed)", async () => {
    const gated = gatedStore(new MemoryReplayStore());
    const { aex, url } = await roomsApp(gated.store);
    try {
      const client = await TestClient.open(url);
      client.send("join", { room: "red", lastEventId: "0" });
      await gated.reading(1);
      client.send("leave", "red");
      expect(await client.first()).toEqual({ event: "left", data: "red" });
      gated.open();
      expect(await client.first()).toEqual({ event: "joined", data: { room: "red", head: "0" } });
      await gated.store.publish("room:red", "said", "not for you");
      client.send("join", { room: "blue" });
      // Nothing of red's before blue's answer: the red follow holds nothing.
      expect(await client.first()).toEqual({ event: "joined", data: { room: "blue", head: "0" } });
      client.close();
    } finally {
      await aex.close();
    }
  });

  it("regression: two follows of one channel under way at once send what was missed once", async () => {
    const gated = gatedStore(new MemoryReplayStore());
    const { aex, url } = await roomsApp(gated.store);
    try {
      for (let n = 1; n <= 3; n++) await gated.store.publish("room:red", "said", { n });
      const client = await TestClient.open(url);
      client.send("join", { room: "red", lastEventId: "1" });
      client.send("join", { room: "red", lastEventId: "1" });
      await gated.reading(2);
      gated.open();
      const got: { event: string; data: unknown; id?: string }[] = [];
      while (got.filter((m) => m.event === "joined").length < 2) got.push(await client.first());
      expect(got.filter((m) => m.event === "said").map((m) => m.id)).toEqual(["2", "3"]);
      await gated.store.publish("room:red", "said", { n: 4 });
      expect(await client.first()).toEqual({ event: "said", data: { n: 4 }, id: "4" });
      client.close();
    } finally {
      await aex.close();
    }
  });

  it("a new client gets the log's newest id, then each event published as { event, data, id }", async () => {
    const store = new MemoryReplayStore();
    const { aex, url } = await roomsApp(store);
    try {
      await store.publish("room:red", "said", { text: "before" });
      const client = await TestClient.open(url);
      client.send("join", { room: "red" });
      expect(await client.next("joined")).toEqual({ room: "red", head: "1" });
      await store.publish("room:red", "said", { text: "hello" });
      await store.publish("room:red", "said", "a plain string");
      expect(await client.first()).toEqual({ event: "said", data: { text: "hello" }, id: "2" });
      expect(await client.first()).toEqual({ event: "said", data: "a plain string", id: "3" });
      client.close();
    } finally {
      await aex.close();
    }
  });

  it("a client that reconnects with its last id gets what it missed, then live events; an old id gets refetch", async () => {
    const store = new MemoryReplayStore({ size: 3 });
    const { aex, url } = await roomsApp(store);
    try {
      for (let n = 1; n <= 4; n++) await store.publish("room:red", "said", { n });
      const back = await TestClient.open(url);
      back.send("join", { room: "red", lastEventId: "2" });
      expect(await back.first()).toEqual({ event: "said", data: { n: 3 }, id: "3" });
      expect(await back.first()).toEqual({ event: "said", data: { n: 4 }, id: "4" });
      expect(await back.first()).toEqual({ event: "joined", data: { room: "red", head: "4" } });
      await store.publish("room:red", "said", { n: 5 });
      expect(await back.first()).toEqual({ event: "said", data: { n: 5 }, id: "5" });

      // The log keeps 3 (3, 4, 5): a client at 1 missed 2 for good.
      const stale = await TestClient.open(url);
      stale.send("join", { room: "red", lastEventId: "1" });
      expect(await stale.first()).toEqual({ event: "refetch", data: { reason: "trimmed", lastEventId: "1" }, id: "5" });
      // Other channels are other logs; leaving stops the deliveries.
      back.send("leave", "red");
      expect(await back.next("left")).toBe("red");
      await store.publish("room:red", "said", { n: 6 });
      expect(await stale.first()).toEqual({ event: "joined", data: { room: "red", head: "5" } });
      expect(await stale.first()).toEqual({ event: "said", data: { n: 6 }, id: "6" });
      back.send("join", { room: "blue" });
      expect(await back.first()).toEqual({ event: "joined", data: { room: "blue", head: "0" } });
      [back, stale].forEach((c) => c.close());
    } finally {
      await aex.close();
    }
  });
});

describe("handler.follow() across instances (RedisReplayStore)", () => {
  let redis: RedisServer;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(() => redis.stop());

  it("events published on one instance reach followers on the other; a client resumes on either", async () => {
    const stores = [0, 1].map(() => {
      const client = createClient({ url: redis.url });
      client.on("error", () => undefined);
      return new RedisReplayStore(client, { prefix: "follow:" });
    });
    const [one, two] = await Promise.all(stores.map((store) => roomsApp(store)));
    try {
      const here = await TestClient.open(one!.url);
      here.send("join", { room: "ops" });
      const { head } = (await here.next("joined")) as { head: string };
      expect(head).toBe("0-0");
      const first = await stores[1]!.publish("room:ops", "said", { text: "from two" });
      expect(await here.first()).toEqual({ event: "said", data: { text: "from two" }, id: first });
      here.close();
      // Gone while two more events were published; back on the other instance.
      const second = await stores[0]!.publish("room:ops", "said", { text: "missed 1" });
      const third = await stores[1]!.publish("room:ops", "said", { text: "missed 2" });
      const there = await TestClient.open(two!.url);
      there.send("join", { room: "ops", lastEventId: first });
      expect(await there.first()).toEqual({ event: "said", data: { text: "missed 1" }, id: second });
      expect(await there.first()).toEqual({ event: "said", data: { text: "missed 2" }, id: third });
      expect(await there.first()).toEqual({ event: "joined", data: { room: "ops", head: third } });
      there.close();
    } finally {
      await Promise.all([one!.aex.close(), two!.aex.close()]);
    }
  });
});
