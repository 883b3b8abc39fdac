// Resumable SSE across instances (issue 29): two apps, each with its own RedisReplayStore on
// one real redis-server, stand for two instances. A client resumes on either; events
// published on one reach the streams of both, in the log's order.
import { Aex, EventStream, RedisReplayStore, sse } from "@aex/core";
import { health } from "@aex/core/health";
import type { TestEvent, TestEventStream } from "@aex/core/testing";
import { createClient, type RedisClientType } from "redis";
import { startRedis, type RedisServer } from "../../session/test/support/redis-server";

let redis: RedisServer;
const clients: RedisClientType[] = [];

function client(url = redis.url): RedisClientType {
  const made = createClient({ url, disableOfflineQueue: true, socket: { reconnectStrategy: () => 50 } });
  made.on("error", () => undefined);
  clients.push(made as RedisClientType);
  return made as RedisClientType;
}

/** One instance: an app whose /feed replays from the Redis log of channel "feed". */
function instance(options: { size?: number; url?: string; prefix?: string } = {}) {
  const store = new RedisReplayStore(client(options.url), {
    size: options.size ?? 100,
    prefix: options.prefix ?? "test:sse:",
    connectTimeout: 1_000,
    timeout: 1_000,
  });
  class Feed {
    @sse("/feed", { heartbeat: 0, replay: { store, channel: "feed" } })
    feed(_stream: EventStream) {}
  }
  const aex = new Aex().use(health()).push(Feed);
  return { aex, store };
}

async function collect(stream: TestEventStream, count: number): Promise<TestEvent[]> {
  const events: TestEvent[] = [];
  while (events.length < count) events.push(await stream.next());
  return events;
}

beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await Promise.all(clients.map((c) => (c.isOpen ? c.close().catch(() => undefined) : undefined)));
  await redis.stop();
});

describe("RedisReplayStore", () => {
  it("ids come from Redis Streams; a client resumes on another instance, then follows events published anywhere", async () => {
    const prefix = `resume:${Date.now()}:`;
    const one = instance({ prefix });
    const two = instance({ prefix });
    await Promise.all([one.aex.start(0, "127.0.0.1"), two.aex.start(0, "127.0.0.1")]);
    try {
      const ids: string[] = [];
      for (let n = 1; n <= 4; n++) ids.push(await one.store.publish("feed", "tick", { n }));
      for (const id of ids) expect(id).toMatch(/^\d+-\d+$/);
      // Read up to the second event on instance one, resume after it on instance two.
      const first = await one.aex.inject().sse("/feed", { lastEventId: ids[0] });
      expect(await first.next()).toEqual({ event: "tick", data: '{"n":2}', id: ids[1] });
      first.close();
      const resumed = await two.aex.inject().sse("/feed", { lastEventId: ids[1] });
      expect(await collect(resumed, 2)).toEqual([
        { event: "tick", data: '{"n":3}', id: ids[2] },
        { event: "tick", data: '{"n":4}', id: ids[3] },
      ]);
      // Published through either instance's store: one log, one order.
      const five = await one.store.publish("feed", "tick", { n: 5 });
      const six = await two.store.publish("feed", "tick", { n: 6 });
      expect(await collect(resumed, 2)).toEqual([
        { event: "tick", data: '{"n":5}', id: five },
        { event: "tick", data: '{"n":6}', id: six },
      ]);
      resumed.close();
    } finally {
      await Promise.all([one.aex.close(), two.aex.close()]);
    }
  });

  it("keeps `size` entries per channel (XADD MAXLEN); an id trimmed off gets `refetch`", async () => {
    const prefix = `trim:${Date.now()}:`;
    const { aex, store } = instance({ size: 3, prefix });
    const ids: string[] = [];
    for (let n = 1; n <= 6; n++) ids.push(await store.publish("feed", "tick", n));
    const probe = client();
    await probe.connect();
    expect(await probe.xLen(`${prefix}feed`)).toBe(3);
    // Its log lives for `ttl` after the last event (a day by default).
    expect(await probe.ttl(`${prefix}feed`)).toBeGreaterThan(86_000);
    // The oldest entry kept is the 4th: a client at the 3rd misses nothing.
    const atThird = await aex.inject().sse("/feed", { lastEventId: ids[2] });
    expect((await collect(atThird, 3)).map((e) => e.id)).toEqual(ids.slice(3));
    atThird.close();
    const behind = await aex.inject().sse("/feed", { lastEventId: ids[1] });
    expect(await behind.next()).toEqual({
      event: "refetch",
      data: JSON.stringify({ reason: "trimmed", lastEventId: ids[1] }),
      id: ids[5],
    });
    behind.close();
    const future = await aex.inject().sse("/feed", { lastEventId: "99999999999999-0" });
    expect(await future.next()).toMatchObject({ event: "refetch", data: expect.stringContaining('"unknown"') });
    future.close();
    await aex.close();
  });

  it("a stream that lost events (Redis restarted without its data) gets `refetch` (lost), then the new log's events", async () => {
    const own = await startRedis();
    const { aex, store } = instance({ url: own.url, prefix: "lost:" });
    await aex.start(0, "127.0.0.1");
    try {
      await store.publish("feed", "tick", 1);
      const stream = await aex.inject().sse("/feed", { lastEventId: "0-0" });
      expect(await stream.next()).toMatchObject({ event: "tick", data: "1" });
      await own.stop();
      await own.start();
      // The subscriber reconnects by itself; its feed reads the log again and finds its id gone.
      expect(await stream.next()).toEqual({
        event: "refetch",
        data: JSON.stringify({ reason: "lost", lastEventId: null }),
        id: "0-0",
      });
      const id = await store.publish("feed", "tick", 2);
      expect(await stream.next()).toEqual({ event: "tick", data: "2", id });
      stream.close();
    } finally {
      await aex.close();
      await own.stop();
    }
  }, 30_000);

  it("regression: aex.close() closes the store's connections, the client it was given included, so the process can exit", async () => {
    const { aex, store } = instance({ prefix: "close:" });
    const given = clients[clients.length - 1]!;
    await aex.start(0, "127.0.0.1");
    await store.publish("feed", "tick", 1);
    expect(given.isOpen).toBe(true);
    await aex.close();
    // It kept the process alive after the app had closed: only the subscriber was closed.
    expect(given.isOpen).toBe(false);
    await store.close(); // a second close (or the owner's) is a no-op
  });

  it("aex.start() waits for both connections; readiness reports the store", async () => {
    const { aex, store } = instance({ prefix: "ready:" });
    expect(store.connection).toBe("connecting");
    await aex.start(0, "127.0.0.1");
    try {
      expect(store.connection).toBe("up");
      const ready = await fetch(`http://127.0.0.1:${aex.port}/health/ready`);
      expect(await ready.json()).toEqual({ status: "ready", checks: {}, dependencies: { "replay store": "up" } });
    } finally {
      await aex.close();
    }
  });

  it("a log that cannot be reached ends the stream with a `retry:` hint, so a browser reconnects", async () => {
    const own = await startRedis();
    const { aex, store } = instance({ url: own.url, prefix: "down:" });
    await aex.start(0, "127.0.0.1");
    try {
      await own.stop();
      const stream = await aex.inject().sse("/feed", { lastEventId: "0-0" });
      expect(stream.status).toBe(200);
      expect(await stream.nextComment()).toBe("the replay log is unavailable; reconnect");
      await stream.ended;
      await expect(store.publish("feed", "tick", 1)).rejects.toThrow();
    } finally {
      await aex.close();
      await own.stop();
    }
  }, 20_000);
});
