// @decorator-modes both: @cache composed with other decorators.
import { Aex, get, type AexRequest, type AexResponse, type Scope } from "@aex/core";
import { Cache, MemoryCacheStore, RedisCacheStore, cache, type RedisCacheClient } from "@aex/core/cache";
import { createClient } from "redis";
import { startRedis, type RedisServer } from "../../session/test/support/redis-server";

/** A controller whose handlers count their runs, so a hit is told from a miss. */
function articles() {
  const runs = { list: 0, user: 0, cookie: 0, error: 0 };
  class Articles {
    @get("/articles")
    @cache({ ttl: 60, tags: ["articles"] })
    list(req: AexRequest, res: AexResponse) {
      runs.list++;
      res.json({ run: runs.list, url: req.url });
    }

    @get("/me")
    @cache({ ttl: 60, private: true, key: (req) => `me:${String(req.headers["x-user"])}` })
    me(req: AexRequest, res: AexResponse) {
      runs.user++;
      res.json({ user: req.headers["x-user"], run: runs.user });
    }

    @get("/cookie")
    @cache({ ttl: 60 })
    cookie(_req: AexRequest, res: AexResponse) {
      runs.cookie++;
      res.cookies.set("seen", "1");
      res.end(`run ${runs.cookie}`);
    }

    @get("/broken")
    @cache({ ttl: 60 })
    broken(_req: AexRequest, res: AexResponse) {
      runs.error++;
      res.status(500).end(`run ${runs.error}`);
    }

    @get("/lang")
    @cache({ ttl: 60, vary: ["accept-language"] })
    lang(req: AexRequest, res: AexResponse, _scope: Scope) {
      res.end(`lang ${String(req.headers["accept-language"])}`);
    }
  }
  return { Articles, runs };
}

describe("@cache({ ttl }) with the memory store", () => {
  it("answers a hit without running the handler, with ETag and Cache-Control", async () => {
    const { Articles, runs } = articles();
    const aex = new Aex().push(Articles);
    const client = aex.inject();
    const first = await client.get("/articles?page=1").execute();
    expect(first.status).toBe(200);
    expect(first.headers["x-cache"]).toBe("MISS");
    expect(first.headers["cache-control"]).toBe("public, max-age=60");
    expect(first.headers.etag).toMatch(/^"[\w-]+"$/);
    const second = await client.get("/articles?page=1").execute();
    expect(second.headers["x-cache"]).toBe("HIT");
    expect(second.json()).toEqual(first.json());
    expect(second.headers["content-type"]).toBe("application/json; charset=utf-8");
    expect(second.headers.etag).toBe(first.headers.etag);
    expect(runs.list).toBe(1);
    // Another query string is another entry.
    expect((await client.get("/articles?page=2").execute()).json()).toEqual({ run: 2, url: "/articles?page=2" });
  });

  it("answers 304 to If-None-Match with the current ETag, on hits and misses", async () => {
    const { Articles } = articles();
    const client = new Aex().push(Articles).inject();
    const first = await client.get("/articles").execute();
    const etag = String(first.headers.etag);
    const revalidated = await client.get("/articles").set("If-None-Match", etag).execute();
    expect(revalidated.status).toBe(304);
    expect(revalidated.text()).toBe("");
    const other = await client.get("/articles").set("If-None-Match", '"other"').execute();
    expect(other.status).toBe(200);
  });

  it("answers HEAD from the GET entry without a body", async () => {
    const { Articles, runs } = articles();
    const client = new Aex().push(Articles).inject();
    await client.get("/articles").execute();
    const head = await client.head("/articles").execute();
    expect(head.status).toBe(200);
    expect(head.headers["x-cache"]).toBe("HIT");
    expect(head.text()).toBe("");
    expect(runs.list).toBe(1);
  });

  it("invalidates by tag and by key, on the Cache the app registered", async () => {
    const { Articles, runs } = articles();
    const cacheOfApp = new Cache();
    const aex = new Aex().push(Articles).register(cacheOfApp);
    const client = aex.inject();
    await client.get("/articles").execute();
    await cacheOfApp.invalidateTag("articles");
    expect((await client.get("/articles").execute()).headers["x-cache"]).toBe("MISS");
    await cacheOfApp.delete("route:/articles");
    expect((await client.get("/articles").execute()).headers["x-cache"]).toBe("MISS");
    expect(runs.list).toBe(3);
  });

  it("keys private responses per user and marks them private", async () => {
    const { Articles, runs } = articles();
    const client = new Aex().push(Articles).inject();
    const ada = await client.get("/me").set("X-User", "ada").execute();
    expect(ada.headers["cache-control"]).toBe("private, max-age=60");
    const bob = await client.get("/me").set("X-User", "bob").execute();
    expect(bob.json()).toEqual({ user: "bob", run: 2 });
    expect((await client.get("/me").set("X-User", "ada").execute()).json()).toEqual({ user: "ada", run: 1 });
    expect(runs.user).toBe(2);
  });

  it("never stores a response that sets a cookie, nor a 500", async () => {
    const { Articles, runs } = articles();
    const client = new Aex().push(Articles).inject();
    await client.get("/cookie").execute();
    const again = await client.get("/cookie").execute();
    expect(again.text()).toBe("run 2");
    expect(again.headers["set-cookie"]).toBeDefined();
    await client.get("/broken").execute();
    expect((await client.get("/broken").execute()).text()).toBe("run 2");
    expect(runs).toMatchObject({ cookie: 2, error: 2 });
  });

  it("never serves a cached public response to a request with Authorization", async () => {
    const { Articles, runs } = articles();
    const client = new Aex().push(Articles).inject();
    await client.get("/articles").execute();
    const authorized = await client.get("/articles").set("Authorization", "Bearer x").execute();
    expect(authorized.headers["x-cache"]).toBeUndefined();
    expect(runs.list).toBe(2);
  });

  it("splits entries by the vary headers and says so in Vary", async () => {
    const { Articles } = articles();
    const client = new Aex().push(Articles).inject();
    const en = await client.get("/lang").set("Accept-Language", "en").execute();
    expect(en.headers.vary).toBe("accept-language");
    const fr = await client.get("/lang").set("Accept-Language", "fr").execute();
    expect(fr.text()).toBe("lang fr");
    expect(fr.headers["x-cache"]).toBe("MISS");
    expect((await client.get("/lang").set("Accept-Language", "en").execute()).headers["x-cache"]).toBe("HIT");
  });

  it("two apps never share a cache", async () => {
    const one = articles();
    const two = articles();
    const a = new Aex().push(one.Articles);
    const b = new Aex().push(two.Articles);
    await a.inject().get("/articles").execute();
    expect((await b.inject().get("/articles").execute()).headers["x-cache"]).toBe("MISS");
  });

  it("is a plugin: an app takes one Cache, and refuses a second with AEX_ERR_PLUGIN_DUPLICATE", () => {
    const aex = new Aex().register(new Cache());
    expect(() => aex.register(new Cache())).toThrow(expect.objectContaining({ code: "AEX_ERR_PLUGIN_DUPLICATE" }));
  });
});

describe("a cache hit's head", () => {
  class Pages {
    @get("/plain")
    @cache({ ttl: 60 })
    plain(_req: AexRequest, res: AexResponse) {
      res.json({ page: "plain" });
    }

    @get("/own-csp")
    @cache({ ttl: 60 })
    ownCsp(_req: AexRequest, res: AexResponse) {
      res.setHeader("Content-Security-Policy", "default-src 'none'");
      res.json({ page: "own" });
    }

    @get("/empty")
    @cache({ ttl: 60 })
    empty(_req: AexRequest, res: AexResponse) {
      res.status(204).end();
    }
  }

  /** The raw head lines of an answer over a real socket, lower-cased names, in order. */
  async function headOf(port: number, path: string): Promise<string[]> {
    const { connect } = await import("node:net");
    return new Promise((resolve, reject) => {
      const socket = connect(port, "127.0.0.1", () =>
        socket.write(`GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`),
      );
      let text = "";
      socket.on("data", (chunk: Buffer) => (text += String(chunk)));
      socket.on("error", reject);
      socket.on("close", () =>
        resolve(
          text
            .split("\r\n\r\n")[0]
            .split("\r\n")
            .slice(1)
            .map((line) => line.split(":")[0].toLowerCase()),
        ),
      );
    });
  }

  it("carries the security headers once, its own request id, ETag and X-Cache: HIT, like the miss", async () => {
    const aex = new Aex().push(Pages);
    await aex.start(0, "127.0.0.1");
    try {
      const miss = await headOf(aex.port!, "/plain");
      const hit = await headOf(aex.port!, "/plain");
      const names = (head: string[]) => [...head].filter((name) => name !== "date").sort();
      expect(names(hit)).toEqual(names(miss));
      expect(new Set(hit).size).toBe(hit.length); // no header twice
      expect(hit).toEqual(
        expect.arrayContaining([
          "content-security-policy",
          "x-content-type-options",
          "x-request-id",
          "etag",
          "x-cache",
          "cache-control",
        ]),
      );
      const res = await fetch(`http://127.0.0.1:${aex.port}/plain`);
      expect(res.headers.get("x-cache")).toBe("HIT");
      expect(await res.json()).toEqual({ page: "plain" });
    } finally {
      await aex.close();
    }
  });

  // Regression: a header set as a list went out as repeated pairs, and on a hit whose
  // response already had headers node kept only the last value.
  it("replays a header set as a list whole, on the one-go head and after a step's own header", async () => {
    class Linked {
      @get("/linked")
      @cache({ ttl: 60 })
      linked(_req: AexRequest, res: AexResponse) {
        res.setHeader("Link", ["</a.css>; rel=preload", "</b.js>; rel=preload"]);
        res.json({ page: "linked" });
      }
    }
    const plain = new Aex().push(Linked);
    const stepped = new Aex();
    stepped.use((_req, res) => void res.setHeader("X-Instance", "b"));
    stepped.push(Linked);
    for (const aex of [plain, stepped]) {
      const client = aex.inject();
      await client.get("/linked");
      const hit = await client.get("/linked");
      expect(hit.headers["x-cache"]).toBe("HIT");
      expect(hit.headers.link).toBe("</a.css>; rel=preload, </b.js>; rel=preload");
    }
  });

  // Regression: a 204 replayed from the cache sent `Content-Length: 0`, which RFC 9110
  // §8.6 forbids in a 204 (the miss sent none).
  it("replays a 204 without Content-Length, like the miss", async () => {
    const aex = new Aex().push(Pages);
    await aex.start(0, "127.0.0.1");
    try {
      const miss = await headOf(aex.port!, "/empty");
      const hit = await headOf(aex.port!, "/empty");
      expect(hit).toContain("x-cache");
      expect(miss).not.toContain("content-length");
      expect(hit).not.toContain("content-length");
      const variants: Record<string, string>[] = [{}, { "If-None-Match": '"other"' }];
      for (const headers of variants) {
        const res = await fetch(`http://127.0.0.1:${aex.port}/empty`, { headers });
        expect(res.status).toBe(204);
        expect(res.headers.get("x-cache")).toBe("HIT");
        expect(res.headers.get("content-length")).toBeNull();
      }
    } finally {
      await aex.close();
    }
  });

  it("keeps a handler's own security header, not doubled by the app's", async () => {
    const aex = new Aex().push(Pages);
    await aex.start(0, "127.0.0.1");
    try {
      await headOf(aex.port!, "/own-csp");
      const hit = await headOf(aex.port!, "/own-csp");
      expect(hit.filter((name) => name === "content-security-policy")).toHaveLength(1);
      const res = await fetch(`http://127.0.0.1:${aex.port}/own-csp`);
      expect(res.headers.get("x-cache")).toBe("HIT");
      expect(res.headers.get("content-security-policy")).toBe("default-src 'none'");
      expect(res.headers.get("x-frame-options")).toBe("SAMEORIGIN");
    } finally {
      await aex.close();
    }
  });
});

describe("MemoryCacheStore", () => {
  it("evicts the least recently used entry past maxEntries", () => {
    const store = new MemoryCacheStore({ maxEntries: 2 });
    store.set("a", 1, 60);
    store.set("b", 2, 60);
    expect(store.get("a")).toBe(1); // a is now the most recently used
    store.set("c", 3, 60);
    expect(store.get("b")).toBeUndefined();
    expect(store.get("a")).toBe(1);
    expect(store.size).toBe(2);
  });

  it("forgets expired entries", () => {
    const store = new MemoryCacheStore();
    store.set("gone", 1, 0);
    expect(store.get("gone")).toBeUndefined();
  });
});

describe("Cache.wrap(key, ttl, producer)", () => {
  it("runs the producer once for concurrent misses (single flight)", async () => {
    const cache = new Cache();
    let runs = 0;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const producer = async () => {
      runs++;
      await gate;
      return { value: runs };
    };
    const calls = Array.from({ length: 10 }, () => cache.wrap("k", 60, producer));
    release();
    const values = await Promise.all(calls);
    expect(runs).toBe(1);
    expect(values.every((value) => value.value === 1)).toBe(true);
    expect(await cache.get("k")).toEqual({ value: 1 });
  });

  it("lets the next caller retry after a producer fails", async () => {
    const cache = new Cache();
    await expect(cache.wrap("k", 60, () => Promise.reject(new Error("db down")))).rejects.toThrow("db down");
    await expect(cache.wrap("k", 60, () => 5)).resolves.toBe(5);
  });
});

describe("RedisCacheStore (real redis-server)", () => {
  let redis: RedisServer;
  let client: ReturnType<typeof createClient>;
  beforeAll(async () => {
    redis = await startRedis();
    client = createClient({ url: redis.url, socket: { reconnectStrategy: () => 50 } });
    client.on("error", () => undefined); // reconnects by itself; the store reports failures
    await client.connect();
  });
  afterAll(async () => {
    await client.close();
    await redis.stop();
  });

  it("shares entries and invalidation between two apps, as between instances", async () => {
    const shared = () => new Cache(new RedisCacheStore(client as unknown as RedisCacheClient, { prefix: "t1:" }));
    const one = articles();
    const two = articles();
    const cacheOfB = shared();
    const a = new Aex().push(one.Articles).register(shared());
    const b = new Aex().push(two.Articles).register(cacheOfB);
    const first = await a.inject().get("/articles").execute();
    const second = await b.inject().get("/articles").execute();
    expect(second.headers["x-cache"]).toBe("HIT");
    expect(second.json()).toEqual(first.json());
    expect(two.runs.list).toBe(0);
    await cacheOfB.invalidateTag("articles");
    expect((await a.inject().get("/articles").execute()).headers["x-cache"]).toBe("MISS");
  });

  it("a hit answered by another instance carries that instance's own headers, not the first one's", async () => {
    const shared = () => new Cache(new RedisCacheStore(client as unknown as RedisCacheClient, { prefix: "t3:" }));
    const instance = (name: string) => {
      const aex = new Aex().push(articles().Articles);
      // Per-exchange headers, set before the cache step: who answered, and a rate-limit count.
      aex.use((_req, res) => void res.setHeader("X-Instance", name).setHeader("RateLimit", `"n";r=${name.length}`));
      return aex.register(shared());
    };
    const a = instance("a");
    const b = instance("bb");
    const first = await a.inject().get("/articles").execute();
    expect(first.headers["x-cache"]).toBe("MISS");
    expect(first.headers["x-instance"]).toBe("a");
    const second = await b.inject().get("/articles").execute();
    expect(second.headers["x-cache"]).toBe("HIT");
    expect(second.json()).toEqual(first.json());
    expect(second.headers["content-type"]).toBe("application/json; charset=utf-8");
    expect(second.headers["x-instance"]).toBe("bb");
    expect(second.headers.ratelimit).toBe('"n";r=2');
    expect(second.headers["x-request-id"]).toBeDefined();
    expect(second.headers["x-request-id"]).not.toBe(first.headers["x-request-id"]);
  });

  it("answers uncached while Redis is stopped, then caches again once it is back", async () => {
    const { Articles, runs } = articles();
    const aex = new Aex()
      .push(Articles)
      .register(new Cache(new RedisCacheStore(client as unknown as RedisCacheClient, { prefix: "t2:", timeout: 200 })));
    const http = aex.inject();
    await redis.stop();
    const down = await http.get("/articles").execute();
    expect(down.status).toBe(200);
    expect(down.json()).toEqual({ run: 1, url: "/articles" });
    expect((await http.get("/articles").execute()).status).toBe(200);
    expect(runs.list).toBe(2);
    await redis.start();
    // A positive barrier: the client is connected again once a command succeeds.
    while ((await client.ping().catch(() => "down")) !== "PONG") await new Promise((r) => setTimeout(r, 50));
    await http.get("/articles").execute();
    expect((await http.get("/articles").execute()).headers["x-cache"]).toBe("HIT");
    expect(runs.list).toBe(3);
  });
  // Regression (CI stop 20): node-redis's close() waits for the replies of commands in
  // flight, and a Redis that died never sends them, so aex.close() hung.
  it("closes while Redis is down with a command in flight", async () => {
    const own = createClient({ url: redis.url });
    own.on("error", () => undefined);
    await own.connect();
    const store = new RedisCacheStore(own as unknown as RedisCacheClient, { timeout: 60_000 });
    await redis.stop();
    const inFlight = own.get("never-answered").then(
      () => "answered",
      (error: Error) => error.constructor.name,
    );
    await store.close(); // before the fix this never resolved and the test timed out
    expect(await inFlight).toMatch(/Error$/);
    expect(own.isOpen).toBe(false);
    await redis.start();
  }, 20_000);
});
