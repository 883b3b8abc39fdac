import { Aex, get } from "@aex/core";
import { health } from "@aex/core/health";
import { rateLimit, RedisRateLimitStore } from "@aex/core/rate-limit";
import { createClient } from "redis";
import { startRedis, type RedisServer } from "../../../session/test/support/redis-server";

class Pages {
  @get("/")
  home(_req: any, res: any) {
    res.end("home");
  }
}

let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis.stop();
});

async function connect() {
  const client = createClient({ url: redis.url, socket: { reconnectStrategy: () => 50 } });
  const errors: unknown[] = [];
  client.on("error", (error) => errors.push(error));
  await client.connect();
  return { client, errors };
}

describe("RedisRateLimitStore", () => {
  it("shares one limit between two app instances, atomically", async () => {
    const { client } = await connect();
    try {
      const store = new RedisRateLimitStore(client, { prefix: `test:${Date.now()}:` });
      const apps = [new Aex(), new Aex()];
      for (const aex of apps) {
        aex.use(rateLimit({ limit: 3, windowMs: 60_000, store }));
        aex.push(Pages);
      }
      const answers = await Promise.all([0, 1, 0, 1].map((i) => apps[i]!.inject().get("/").execute()));
      const statuses = answers.map((a) => a.status).sort();
      expect(statuses).toEqual([200, 200, 200, 429]);
      const refused = answers.find((a) => a.status === 429)!;
      expect(refused.json()).toMatchObject({ code: "AEX_RATE_LIMITED" });
      expect(refused.headers["retry-after"]).toMatch(/^\d+$/);
      expect(refused.headers.ratelimit).toMatch(/^"default";r=0;t=\d+$/);
    } finally {
      await client.quit();
    }
  });

  it("counts a sliding window in Redis too", async () => {
    const { client } = await connect();
    try {
      const store = new RedisRateLimitStore(client, { prefix: `sliding:${Date.now()}:` });
      const first = await store.hit("k", 60_000, "sliding");
      expect(first.count).toBe(1);
      expect((await store.hit("k", 60_000, "sliding")).count).toBe(2);
    } finally {
      await client.quit();
    }
  });

  // Regression (notes login limit flake): windows aligned to the clock split a burst that
  // crossed a minute. A key's windows now start at its first hit, so the first hit has the
  // whole window ahead of it, whatever the clock says.
  it("starts a key's window at its first hit", async () => {
    const { client } = await connect();
    try {
      const prefix = `anchor:${Date.now()}:`;
      const store = new RedisRateLimitStore(client, { prefix });
      for (const algorithm of ["fixed", "sliding"] as const) {
        const first = await store.hit(algorithm, 60_000, algorithm);
        expect(first).toEqual({ count: 1, resetMs: 60_000 });
        const second = await store.hit(algorithm, 60_000, algorithm);
        expect(second.count).toBe(2);
        expect(second.resetMs).toBeLessThanOrEqual(60_000);
        expect(second.resetMs).toBeGreaterThan(50_000);
      }
      // The key's start is kept until two windows pass without a hit, no longer.
      const ttl = Number(await client.sendCommand(["PTTL", `${prefix}fixed:a`]));
      expect(ttl).toBeGreaterThan(110_000);
      expect(ttl).toBeLessThanOrEqual(120_000);
    } finally {
      await client.quit();
    }
  });

  it("fails open (logged) or closed (503 AEX_RATE_LIMIT_UNAVAILABLE) while Redis is down", async () => {
    const { client } = await connect();
    const store = new RedisRateLimitStore(client, { prefix: `down:${Date.now()}:`, timeoutMs: 300 });
    const logged: unknown[] = [];
    const open = new Aex();
    open.use(rateLimit({ limit: 5, windowMs: 60_000, store, onStoreError: (error) => logged.push(error) }));
    open.push(Pages);
    const closed = new Aex();
    closed.use(rateLimit({ limit: 5, windowMs: 60_000, store, failOpen: false, onStoreError: () => undefined }));
    closed.push(Pages);
    const plain = new Aex();
    plain.use(rateLimit({ limit: 5, windowMs: 60_000, store, name: "plain" }));
    plain.push(Pages);
    expect((await open.inject().get("/")).headers.ratelimit).toMatch(/r=4/);

    const stderr = jest.spyOn(console, "error").mockImplementation(() => undefined);
    await redis.stop();
    try {
      // By default the outage is written to stderr once, however many requests fail.
      expect((await plain.inject().get("/")).status).toBe(200);
      expect((await plain.inject().get("/")).status).toBe(200);
      expect(stderr).toHaveBeenCalledTimes(1);
      expect(String(stderr.mock.calls[0]![0])).toMatch(/rate limit "plain": its store failed .*failing open/);
      const passed = await open.inject().get("/");
      expect(passed.status).toBe(200);
      expect(passed.text()).toBe("home");
      expect(passed.headers.ratelimit).toBeUndefined();
      expect(logged).toHaveLength(1);
      const refused = await closed.inject().get("/");
      expect(refused.status).toBe(503);
      expect(refused.json()).toMatchObject({ status: 503, code: "AEX_RATE_LIMIT_UNAVAILABLE" });
      // Like the session store's 503: clients and load balancers learn when to try again.
      expect(refused.headers["retry-after"]).toBe("1");
    } finally {
      await redis.start();
    }
    try {
      // Back up (empty: this test server keeps nothing on disk), counting resumes.
      await client.ping();
      const back = await open.inject().get("/");
      expect(back.status).toBe(200);
      expect(back.headers.ratelimit).toMatch(/^"default";r=\d;t=\d+$/);
      expect(logged).toHaveLength(1);
      expect((await plain.inject().get("/")).status).toBe(200);
      expect(stderr).toHaveBeenCalledTimes(2);
      expect(String(stderr.mock.calls[1]![0])).toBe('aex: rate limit "plain": its store answers again');
    } finally {
      stderr.mockRestore();
      client.destroy();
    }
  });
});

describe("RedisRateLimitStore: ready means ready (issue 29)", () => {
  // The scale-out app's clients fail fast (no offline queue): before the first connection
  // finished, every hit failed and a limit that fails closed answered 503.
  it("regression: a fresh instance with a client nobody connected answers a burst at once, no 503", async () => {
    const client = createClient({ url: redis.url, disableOfflineQueue: true });
    client.on("error", () => undefined);
    const store = new RedisRateLimitStore(client, { prefix: `ready:${Date.now()}:` });
    const aex = new Aex()
      .use(health())
      .use(rateLimit({ limit: 100, windowMs: 60_000, store, failOpen: false }))
      .push(Pages);
    expect(store.connection).toBe("connecting");
    await aex.start(0, "127.0.0.1");
    try {
      expect(store.connection).toBe("up");
      const base = `http://127.0.0.1:${aex.port}`;
      const burst = await Promise.all(Array.from({ length: 30 }, () => fetch(`${base}/`)));
      expect(burst.map((r) => r.status)).toEqual(burst.map(() => 200));
      expect(burst.map((r) => r.headers.get("ratelimit")).every((h) => /^"default";r=\d+;t=\d+$/.test(h ?? ""))).toBe(
        true,
      );
      const ready = await fetch(`${base}/health/ready`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toEqual({ status: "ready", checks: {}, dependencies: { "rate-limit store": "up" } });
    } finally {
      await aex.close();
      client.destroy();
    }
  });
});
