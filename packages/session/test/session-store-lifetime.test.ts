import { Aex, get, post, type AexRequest, type AexResponse, type Scope } from "@aex/core";
import { ISessionStore, session, unsign, type SessionData } from "@aex/session";
import { RedisStore } from "@aex/session/redis";
import { createClient, type RedisClientType } from "redis";
import { startRedis, type RedisServer } from "./support/redis-server";

const SECRET = "lifetime secret";

let redis: RedisServer;
let client: RedisClientType;
const stores: RedisStore[] = [];

beforeAll(async () => {
  redis = await startRedis();
  client = createClient({ url: redis.url }) as RedisClientType;
  await client.connect();
});
afterAll(async () => {
  await Promise.all(stores.map((store) => store.close()));
  await client.close();
  await redis.stop();
});

function redisStore(...args: ConstructorParameters<typeof RedisStore>): RedisStore {
  const store = new RedisStore(...args);
  stores.push(store);
  return store;
}

/** The session id a client's signed `aex.sid` cookie carries. */
function sessionId(cookies: Map<string, string>): string {
  const id = unsign(decodeURIComponent(cookies.get("aex.sid") ?? ""), [SECRET]);
  if (id === null) throw new Error("no signed session cookie");
  return id;
}

describe("RedisStore options prefix and ttl", () => {
  it("keys entries under prefix and gives them ttl when the caller names no lifetime", async () => {
    const store = redisStore({ url: redis.url }, { prefix: "notes:s:", ttl: 120 });
    await store.set("abc", { user: "ada" });
    expect(await client.get("notes:s:abc")).toBe('{"user":"ada"}');
    expect(await client.exists("aex:sess:abc")).toBe(0);
    const ttl = await client.ttl("notes:s:abc");
    expect(ttl).toBeGreaterThan(110);
    expect(ttl).toBeLessThanOrEqual(120);

    await client.expire("notes:s:abc", 5);
    await store.touch("abc");
    expect(await client.ttl("notes:s:abc")).toBeGreaterThan(110);
    expect(await store.get("abc")).toEqual({ user: "ada" });
    await store.destroy("abc");
    expect(await client.exists("notes:s:abc")).toBe(0);
  });

  it("keeps @session's sessions under the prefix, for the session's own ttl", async () => {
    const store = redisStore({ url: redis.url }, { prefix: "notes:s:", ttl: 120 });
    class Login {
      @post("/login")
      @session(store, { secret: SECRET, ttl: 600 })
      login(_req: AexRequest, res: AexResponse, scope: Scope) {
        scope.session.user = "ada";
        res.end("in");
      }
    }
    const browser = new Aex().push(Login).inject();
    expect((await browser.post("/login")).text()).toBe("in");
    const key = `notes:s:${sessionId(browser.cookies)}`;
    expect(JSON.parse((await client.get(key)) ?? "null")).toEqual({ user: "ada" });
    // The session's ttl (600) wins over the store's default (120): the session passes its own.
    expect(await client.ttl(key)).toBeGreaterThan(590);
  });
});

describe("sliding expiry and session.touch()", () => {
  const store = () => redisStore({ url: redis.url }, { prefix: "slide:" });

  function app(rolling?: boolean) {
    const shared = store();
    class Account {
      @post("/login")
      @session(shared, { secret: SECRET, ttl: 100, rolling })
      login(_req: AexRequest, res: AexResponse, scope: Scope) {
        scope.session.user = "ada";
        res.end("in");
      }

      @get("/me")
      @session(shared, { secret: SECRET, ttl: 100, rolling })
      me(_req: AexRequest, res: AexResponse, scope: Scope) {
        res.end(String(scope.session.user ?? "nobody"));
      }

      @get("/theme")
      @session(shared, { secret: SECRET, ttl: 100, rolling })
      theme(_req: AexRequest, res: AexResponse) {
        res.cookies.set("theme", "dark", { maxAge: 60 });
        res.end("dark");
      }

      /** Shortens the entry, touches, and reports the lifetime Redis then holds. */
      @post("/touch")
      @session(shared, { secret: SECRET, ttl: 100 })
      async touch(_req: AexRequest, res: AexResponse, scope: Scope) {
        const key = `slide:${scope.session.id}`;
        await client.expire(key, 5);
        await scope.session.touch();
        res.json({ ttl: await client.ttl(key) });
      }
    }
    return new Aex().push(Account);
  }

  // Regression: the store's copy slid while the cookie kept the Max-Age of the login, so an
  // active user was logged out ttl seconds after logging in.
  it("gives a session its whole ttl again on each request that reads it unchanged", async () => {
    const browser = app().inject();
    await browser.post("/login");
    const key = `slide:${sessionId(browser.cookies)}`;
    await client.expire(key, 5); // as if it had been idle for 95 s
    const login = await browser.get("/me");
    const me = await browser.get("/me");
    expect(me.text()).toBe("ada");
    expect(await client.ttl(key)).toBeGreaterThan(90);
    // Rolling (the default): the cookie, same signed id, gets its whole Max-Age again too, so
    // the browser keeps it as long as the store keeps the session.
    expect(me.headers["set-cookie"]).toEqual([
      expect.stringMatching(/^aex\.sid=[^;]+; Max-Age=100; Path=\/; HttpOnly; SameSite=Lax$/),
    ]);
    expect(sessionId(browser.cookies)).toBe(key.slice("slide:".length));
    expect(String(me.headers["set-cookie"])).toBe(String(login.headers["set-cookie"]));
  });

  it("rolls the session cookie beside a cookie the handler sets, with the same line", async () => {
    const browser = app().inject();
    await browser.post("/login");
    const me = await browser.get("/me");
    const theme = await browser.get("/theme");
    expect(theme.headers["set-cookie"]).toEqual(["theme=dark; Max-Age=60; Path=/", String(me.headers["set-cookie"])]);
  });

  it("sends the cookie only when it changes with rolling: false", async () => {
    const browser = app(false).inject();
    const login = await browser.post("/login");
    expect(login.headers["set-cookie"]).toEqual([expect.stringContaining("Max-Age=100")]);
    const key = `slide:${sessionId(browser.cookies)}`;
    await client.expire(key, 5);
    const me = await browser.get("/me");
    expect(me.text()).toBe("ada");
    expect(me.headers["set-cookie"]).toBeUndefined();
    expect(await client.ttl(key)).toBeGreaterThan(90);
  });

  it("renews the lifetime at once with session.touch()", async () => {
    const browser = app().inject();
    await browser.post("/login");
    const res = await browser.post("/touch");
    expect(res.status).toBe(200);
    expect(res.json<{ ttl: number }>().ttl).toBeGreaterThan(90);
  });

  it("stores nothing for a new, empty session that is touched", async () => {
    const res = await app().inject().post("/touch");
    expect(res.json()).toEqual({ ttl: -2 }); // Redis: no such key
    expect(res.headers["set-cookie"]).toBeUndefined();
  });
});

describe("a store that fails while saving", () => {
  it("answers the error instead of the handler's body, and sets no cookie", async () => {
    class FailingStore extends ISessionStore {
      readonly writes: string[] = [];
      get(): SessionData | undefined {
        return undefined;
      }
      async set(id: string): Promise<void> {
        this.writes.push(id);
        throw new Error("disk full");
      }
      destroy(): void {}
    }
    const store = new FailingStore();
    const handled: string[] = [];
    class Login {
      @post("/login")
      @session(store, { secret: SECRET })
      login(_req: AexRequest, res: AexResponse, scope: Scope) {
        scope.session.user = "ada";
        handled.push("login");
        res.end("logged in");
      }
    }
    const res = await new Aex({ production: true, logger: false }).push(Login).inject().post("/login");
    expect(handled).toEqual(["login"]);
    expect(store.writes).toHaveLength(1);
    expect(res.status).toBe(500);
    expect(res.headers["set-cookie"]).toBeUndefined();
    expect(res.headers["content-type"]).toBe("application/problem+json; charset=utf-8");
    expect(res.json()).toEqual({
      type: "about:blank",
      title: "Internal Server Error",
      status: 500,
      instance: "/login",
      code: "AEX_INTERNAL",
      requestId: res.headers["x-request-id"],
    });
  });

  it("answers 503 when Redis refuses the write (a user allowed to read only)", async () => {
    // A Redis user that may read sessions but not write them: the load works, the save fails.
    await client.sendCommand(["ACL", "SETUSER", "reader", "on", ">reader-pass", "~*", "+@connection", "+get"]);
    const store = redisStore({ url: `redis://reader:reader-pass@127.0.0.1:${redis.port}` }, { timeout: 5_000 });
    class Login {
      @post("/login")
      @session(store, { secret: SECRET })
      login(_req: AexRequest, res: AexResponse, scope: Scope) {
        scope.session.user = "ada";
        res.end("logged in");
      }
    }
    const res = await new Aex({ logger: false }).push(Login).inject().post("/login");
    expect(res.status).toBe(503);
    expect(res.headers["retry-after"]).toBe("1");
    expect(res.headers["set-cookie"]).toBeUndefined();
    expect(res.json()).toEqual({
      type: "about:blank",
      title: "Service Unavailable",
      status: 503,
      detail: "The session store is unavailable",
      instance: "/login",
      code: "AEX_SESSION_STORE_UNAVAILABLE",
      requestId: res.headers["x-request-id"],
    });
  });
});
