import { Aex, get, post } from "@aex/core";
import { session } from "@aex/session";
import { RedisStore } from "@aex/session/redis";
import { createClient } from "redis";
import { CookieJar } from "./support/cookie-jar";
import { startRedis, type RedisServer } from "./support/redis-server";

function controllerFor(store: RedisStore) {
  class Account {
    @post("/login")
    @session(store, { secret: "shared secret" })
    login(_req: any, res: any, scope: any) {
      scope.session.user = "alice";
      res.end("in");
    }

    @get("/me")
    @session(store, { secret: "shared secret" })
    me(_req: any, res: any, scope: any) {
      res.end(String(scope.session.user ?? "nobody"));
    }

    @get("/health")
    health(_req: any, res: any) {
      res.end("up");
    }
  }
  return Account;
}

describe("RedisStore", () => {
  let redis: RedisServer;
  let store: RedisStore;
  beforeAll(async () => {
    redis = await startRedis();
    store = new RedisStore({ url: redis.url }, { timeout: 500 });
  });
  afterAll(async () => {
    await store.close();
    await redis.stop();
  });

  it("stores JSON with an EX expiry under the prefix", async () => {
    await store.set("abc", { user: "alice" }, 60);
    const client = createClient({ url: redis.url });
    await client.connect();
    try {
      expect(await client.get("aex:sess:abc")).toBe('{"user":"alice"}');
      const ttl = await client.ttl("aex:sess:abc");
      expect(ttl).toBeGreaterThan(55);
      expect(ttl).toBeLessThanOrEqual(60);
      await store.touch("abc", 300);
      expect(await client.ttl("aex:sess:abc")).toBeGreaterThan(295);
      await client.set("aex:sess:broken", "{not json");
      expect(await store.get("broken")).toBeUndefined();
      await store.destroy("abc");
      expect(await store.get("abc")).toBeUndefined();
    } finally {
      await client.close();
    }
  });

  it("shares sessions between two apps on two ports (how Aex scales)", async () => {
    const one = new Aex().push(controllerFor(store));
    const two = new Aex().push(controllerFor(store));
    await Promise.all([one.start(0, "127.0.0.1"), two.start(0, "127.0.0.1")]);
    try {
      const jar = new CookieJar(`http://127.0.0.1:${one.port}`);
      await jar.send("POST", "/login");
      const other = await new CookieJar(`http://127.0.0.1:${two.port}`).send("GET", "/me", {
        headers: { Cookie: `aex.sid=${jar.cookies.get("aex.sid")}` },
      });
      expect(other.text).toBe("alice");
    } finally {
      await Promise.all([one.close(), two.close()]);
    }
  });

  it("answers 503 while Redis is down, keeps serving, and recovers after a restart", async () => {
    const aex = new Aex().push(controllerFor(store));
    await aex.start(0, "127.0.0.1");
    const base = `http://127.0.0.1:${aex.port}`;
    try {
      const jar = new CookieJar(base);
      await jar.send("POST", "/login");
      expect((await jar.send("GET", "/me")).text).toBe("alice");

      await redis.stop();
      // Without the store's timeout the request would wait for Redis: the test's own timeout
      // bounds it, no duration is asserted.
      const down = await jar.send("GET", "/me");
      expect(down.status).toBe(503);
      expect(down.headers["retry-after"]).toBe("1");
      expect(down.json()).toEqual({
        type: "about:blank",
        status: 503,
        title: "Service Unavailable",
        detail: "The session store is unavailable",
        instance: "/me",
        code: "AEX_SESSION_STORE_UNAVAILABLE",
        requestId: down.headers["x-request-id"],
      });
      expect((await jar.send("GET", "/health")).text).toBe("up");

      await redis.start();
      // The data was in memory only (no persistence): the client reconnects, the session is new.
      let answer = "";
      for (let i = 0; i < 40 && answer !== "nobody"; i++) {
        answer = (await jar.send("GET", "/me")).text;
        if (answer !== "nobody") await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(answer).toBe("nobody");
      await jar.send("POST", "/login");
      expect((await jar.send("GET", "/me")).text).toBe("alice");
    } finally {
      await aex.close();
    }
  });

  it("takes an existing client", async () => {
    const client = createClient({ url: redis.url });
    const shared = new RedisStore(client);
    try {
      await shared.set("k", { a: 1 });
      expect(await shared.get("k")).toEqual({ a: 1 });
    } finally {
      await client.close();
    }
  });

  // Regression (CI stop 20): node-redis's close() waits for the replies of commands in
  // flight; a Redis that hangs (frozen here with SIGSTOP) never sends them, so close() hung.
  it("closes while Redis hangs with a command in flight", async () => {
    const own = new RedisStore({ url: redis.url }, { timeout: 100 });
    await own.set("k", { a: 1 });
    redis.pause();
    try {
      await expect(own.get("k")).rejects.toMatchObject({ status: 503, code: "AEX_SESSION_STORE_UNAVAILABLE" });
      await own.close(); // before the fix this never resolved and the test timed out
      expect(own.client.isOpen).toBe(false);
    } finally {
      redis.resume();
    }
  }, 20_000);
});
