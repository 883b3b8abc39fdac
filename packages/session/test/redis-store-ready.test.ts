// Ready means ready (issue 29): a fresh instance with a RedisStore said it was ready and
// refused its first session requests with 503 AEX_SESSION_STORE_UNAVAILABLE while Redis was
// up. RedisStore.connect() returned once the client's isOpen was true (connecting, not
// connected) and the store turns node-redis's offline queue off, so every command sent
// during the first connection failed with "The client is offline".
import { Aex, AexError, get, type AexRequest, type AexResponse, type Scope } from "@aex/core";
import { health } from "@aex/core/health";
import { session, sessions } from "@aex/session";
import { RedisStore } from "@aex/session/redis";
import { send } from "../../core/test/support/http";
import { startRedis, type RedisServer } from "./support/redis-server";

class Visits {
  @get("/visit")
  @session()
  visit(_req: AexRequest, res: AexResponse, scope: Scope) {
    scope.session.visits = Number(scope.session.visits ?? 0) + 1;
    res.json({ visits: scope.session.visits });
  }
}

function appWith(store: RedisStore, options: { strict?: boolean } = {}): Aex {
  return new Aex()
    .register(sessions, { store, secret: "the readiness test's secret" })
    .use(health({ strict: options.strict }))
    .push(Visits);
}

describe("RedisStore: ready means ready", () => {
  let redis: RedisServer;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(() => redis.stop());

  it("regression: four concurrent store.get() on a fresh store all answer (no 503 while the first connection is under way)", async () => {
    const store = new RedisStore({ url: redis.url }, { timeout: 500 });
    try {
      expect(store.connection).toBe("connecting");
      const answers = await Promise.allSettled([store.get("a"), store.get("b"), store.get("c"), store.get("d")]);
      expect(answers).toEqual([0, 1, 2, 3].map(() => ({ status: "fulfilled", value: undefined })));
      expect(store.connection).toBe("up");
    } finally {
      await store.close();
    }
  });

  it("regression: a fresh instance against a live Redis answers a burst of concurrent session requests at once, no 503", async () => {
    const store = new RedisStore({ url: redis.url }, { timeout: 500 });
    const aex = appWith(store);
    await aex.start(0, "127.0.0.1");
    const base = `http://127.0.0.1:${aex.port}`;
    try {
      const burst = await Promise.all(Array.from({ length: 50 }, () => send(base, "GET", "/visit")));
      expect(burst.map((r) => r.status)).toEqual(burst.map(() => 200));
      for (const answer of burst) expect(answer.json()).toEqual({ visits: 1 });
    } finally {
      await aex.close();
      await store.close();
    }
  });

  it("regression: a burst through aex.inject() before any connection gets no 503 either (requests wait for the first connection)", async () => {
    const store = new RedisStore({ url: redis.url }, { timeout: 500 });
    const aex = appWith(store);
    try {
      const client = aex.inject();
      const burst = await Promise.all(Array.from({ length: 20 }, () => client.get("/visit")));
      expect(burst.map((r) => r.status)).toEqual(burst.map(() => 200));
    } finally {
      await aex.close();
      await store.close();
    }
  });

  it("aex.start() waits for the store's first connection; readiness then reports it up", async () => {
    const store = new RedisStore({ url: redis.url });
    const aex = appWith(store);
    await aex.start(0, "127.0.0.1");
    try {
      expect(store.connection).toBe("up");
      const ready = await send(`http://127.0.0.1:${aex.port}`, "GET", "/health/ready");
      expect(ready.status).toBe(200);
      expect(ready.headers["cache-control"]).toBe("no-store");
      expect(ready.json()).toEqual({ status: "ready", checks: {}, dependencies: { "session store": "up" } });
    } finally {
      await aex.close();
      await store.close();
    }
  });

  it("aex.start() fails with AEX_ERR_DEPENDENCY_UNAVAILABLE when Redis cannot be reached within connectTimeout", async () => {
    // A port nothing listens on: Redis is not there at all.
    const nowhere = await startRedis();
    await nowhere.stop();
    const store = new RedisStore({ url: nowhere.url }, { connectTimeout: 300 });
    const aex = appWith(store);
    try {
      const failure = await aex.start(0, "127.0.0.1").then(
        () => null,
        (error: unknown) => error,
      );
      expect(failure).toBeInstanceOf(AexError);
      expect(failure).toMatchObject({ code: "AEX_ERR_DEPENDENCY_UNAVAILABLE" });
      expect((failure as Error).message).toMatch(/session store: not ready within 300 ms/);
      // It never listened.
      expect(aex.server?.listening ?? false).toBe(false);
      expect(store.connection).toBe("connecting");
    } finally {
      await aex.close();
      await store.close();
    }
  });

  it("during an outage, fails fast and readiness reports the store down (503 with strict: true), then up again", async () => {
    const own = await startRedis();
    const store = new RedisStore({ url: own.url }, { timeout: 2_000 });
    const lenient = appWith(store);
    const strict = appWith(store, { strict: true });
    await Promise.all([lenient.start(0, "127.0.0.1"), strict.start(0, "127.0.0.1")]);
    const lenientBase = `http://127.0.0.1:${lenient.port}`;
    const strictBase = `http://127.0.0.1:${strict.port}`;
    try {
      await own.stop();
      // Without the offline queue a command fails at once, well within the 2 s timeout.
      const refused = await send(lenientBase, "GET", "/visit");
      expect(refused.status).toBe(503);
      expect(refused.json()).toMatchObject({ status: 503, code: "AEX_SESSION_STORE_UNAVAILABLE" });
      expect(refused.json<{ detail: string }>().detail).toBe("The session store is unavailable");
      expect(store.connection).toBe("down");
      // Redis is shared by every instance: by default an outage does not take this one out.
      const lenientReady = await send(lenientBase, "GET", "/health/ready");
      expect(lenientReady.status).toBe(200);
      expect(lenientReady.json()).toEqual({ status: "ready", checks: {}, dependencies: { "session store": "down" } });
      const strictReady = await send(strictBase, "GET", "/health/ready");
      expect(strictReady.status).toBe(503);
      expect(strictReady.json()).toMatchObject({
        status: 503,
        code: "AEX_NOT_READY",
        details: { state: "serving", checks: {}, dependencies: { "session store": "down" } },
      });

      await own.start();
      let again = await send(strictBase, "GET", "/health/ready");
      for (let i = 0; i < 50 && again.status !== 200; i++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        again = await send(strictBase, "GET", "/health/ready");
      }
      expect(again.status).toBe(200);
      expect(again.json()).toEqual({ status: "ready", checks: {}, dependencies: { "session store": "up" } });
      expect((await send(lenientBase, "GET", "/visit")).status).toBe(200);
    } finally {
      await Promise.all([lenient.close(), strict.close()]);
      await store.close();
      await own.stop();
    }
  }, 20_000);
});
