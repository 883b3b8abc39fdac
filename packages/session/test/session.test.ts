// @decorator-modes both: the README's @session examples.
import { Aex, body, get, post } from "@aex/core";
import { MemoryStore, session, sign, type Store } from "@aex/session";
import { RedisStore } from "@aex/session/redis";
import { CookieJar } from "./support/cookie-jar";
import { startRedis, type RedisServer } from "./support/redis-server";

const SECRET = "test secret";

/** The README's session example, with a store to choose. */
function controllerFor(store?: Store) {
  class Session {
    @post("/user/login")
    @body()
    @session(store, { secret: SECRET, ttl: 2 })
    public async login(req: any, res: any, scope: any) {
      const { session } = scope;
      session.user = { name: scope.body.name };
      res.end("logged in");
    }

    @get("/user/profile")
    @session(store, { secret: SECRET, ttl: 2 })
    public async profile() {
      // eslint-disable-next-line prefer-rest-params
      const [, res, scope] = arguments as unknown as [any, any, any];
      const { session } = scope;
      const user = session.user;
      res.end(JSON.stringify(user ?? null));
    }

    @post("/user/regenerate")
    @session(store, { secret: SECRET, ttl: 2 })
    public async regenerate(_req: any, res: any, scope: any) {
      const before = scope.session.id;
      await scope.session.regenerate();
      res.json({ changed: before !== scope.session.id });
    }

    @post("/user/logout")
    @session(store, { secret: SECRET, ttl: 2 })
    public async logout(_req: any, res: any, scope: any) {
      await scope.session.destroy();
      res.end("bye");
    }

    @post("/user/save-first")
    @session(store, { secret: SECRET, ttl: 2 })
    public async saveFirst(_req: any, res: any, scope: any) {
      scope.session.counter = (scope.session.counter ?? 0) + 1;
      if (scope.session.save) {
        await scope.session.save();
      }
      res.write("streamed ");
      res.end(String(scope.session.counter));
    }
  }
  return Session;
}

let redis: RedisServer;
const redisStores: RedisStore[] = [];
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await Promise.all(redisStores.map((s) => s.close()));
  await redis.stop();
});

describe.each([
  ["MemoryStore (default)", () => undefined],
  ["MemoryStore", () => new MemoryStore()],
  [
    "RedisStore",
    () => {
      const store = new RedisStore({ url: redis.url });
      redisStores.push(store);
      return store;
    },
  ],
])("@session() with %s", (_name, makeStore) => {
  let aex: Aex;
  let base: string;
  beforeAll(async () => {
    aex = new Aex().push(controllerFor(makeStore()));
    await aex.start(0, "127.0.0.1");
    base = `http://127.0.0.1:${aex.port}`;
  });
  afterAll(() => aex.close());

  const form = { "Content-Type": "application/x-www-form-urlencoded" };

  it("keeps the user between login and profile (README)", async () => {
    const jar = new CookieJar(base);
    expect((await jar.send("GET", "/user/profile")).text).toBe("null");
    expect(jar.cookies.size).toBe(0); // an empty session sets no cookie
    const login = await jar.send("POST", "/user/login", { headers: form, body: "name=alice" });
    expect(login.text).toBe("logged in");
    const cookie = String(login.headers["set-cookie"]);
    expect(cookie).toMatch(/^aex\.sid=[\w-]{32}\.[\w-]{43}; Max-Age=2; Path=\/; HttpOnly; SameSite=Lax$/);
    expect((await jar.send("GET", "/user/profile")).text).toBe('{"name":"alice"}');
  });

  it("keeps two users apart", async () => {
    const alice = new CookieJar(base);
    const bob = new CookieJar(base);
    await alice.send("POST", "/user/login", { headers: form, body: "name=alice" });
    await bob.send("POST", "/user/login", { headers: form, body: "name=bob" });
    expect((await alice.send("GET", "/user/profile")).text).toBe('{"name":"alice"}');
    expect((await bob.send("GET", "/user/profile")).text).toBe('{"name":"bob"}');
  });

  it("gives a forged or tampered cookie an empty session", async () => {
    const jar = new CookieJar(base);
    await jar.send("POST", "/user/login", { headers: form, body: "name=alice" });
    // Once sent back, the genuine cookie is one the step remembers as verified.
    expect((await jar.send("GET", "/user/profile")).text).toBe('{"name":"alice"}');
    const signed = jar.cookies.get("aex.sid")!;
    const [id] = signed.split(".");
    const flipped = signed.slice(0, -1) + (signed.endsWith("A") ? "B" : "A");
    for (const forged of [`${id}.AAAA`, id, sign(id, ["another secret"]), `x${signed}`, flipped, `${signed}x`]) {
      const res = await new CookieJar(base).send("GET", "/user/profile", { headers: { Cookie: `aex.sid=${forged}` } });
      expect(res.status).toBe(200);
      expect(res.text).toBe("null");
    }
    expect((await jar.send("GET", "/user/profile")).text).toBe('{"name":"alice"}');
  });

  it("never adopts a session id the client made up (no fixation)", async () => {
    const chosen = sign("attacker-chosen-id", [SECRET]);
    const jar = new CookieJar(base);
    jar.cookies.set("aex.sid", chosen);
    await jar.send("POST", "/user/login", { headers: form, body: "name=victim" });
    expect(jar.cookies.get("aex.sid")).not.toBe(chosen);
    expect(jar.cookies.get("aex.sid")!.startsWith("attacker-chosen-id.")).toBe(false);
  });

  it("forgets an expired session", async () => {
    const jar = new CookieJar(base);
    await jar.send("POST", "/user/login", { headers: form, body: "name=alice" });
    await new Promise((resolve) => setTimeout(resolve, 2100));
    expect((await jar.send("GET", "/user/profile")).text).toBe("null");
  });

  it("regenerates the id and keeps the data; destroy logs out", async () => {
    const jar = new CookieJar(base);
    await jar.send("POST", "/user/login", { headers: form, body: "name=alice" });
    const before = jar.cookies.get("aex.sid");
    expect((await jar.send("POST", "/user/regenerate")).json()).toEqual({ changed: true });
    expect(jar.cookies.get("aex.sid")).not.toBe(before);
    expect((await jar.send("GET", "/user/profile")).text).toBe('{"name":"alice"}');
    // The old id is gone from the store.
    const old = await new CookieJar(base).send("GET", "/user/profile", { headers: { Cookie: `aex.sid=${before}` } });
    expect(old.text).toBe("null");
    const logout = await jar.send("POST", "/user/logout");
    expect(String(logout.headers["set-cookie"])).toMatch(/^aex\.sid=; Max-Age=0;/);
    expect((await jar.send("GET", "/user/profile")).text).toBe("null");
  });

  it("saves before streaming with session.save() (README)", async () => {
    const jar = new CookieJar(base);
    expect((await jar.send("POST", "/user/save-first")).text).toBe("streamed 1");
    expect((await jar.send("POST", "/user/save-first")).text).toBe("streamed 2");
  });
});

describe("session cookies and secrets", () => {
  it("sets Secure and other cookie attributes when configured", async () => {
    class Secure {
      @get("/")
      @session(undefined, {
        secret: "s",
        name: "sid",
        cookie: { secure: true, sameSite: "Strict", domain: "example.test" },
      })
      home(_req: any, res: any, scope: any) {
        scope.session.seen = true;
        res.end("ok");
      }
    }
    const aex = new Aex().push(Secure);
    await aex.start(0, "127.0.0.1");
    try {
      const res = await new CookieJar(`http://127.0.0.1:${aex.port}`).send("GET", "/");
      expect(String(res.headers["set-cookie"])).toMatch(
        /^sid=[^;]+; Max-Age=86400; Domain=example\.test; Path=\/; HttpOnly; Secure; SameSite=Strict$/,
      );
    } finally {
      await aex.close();
    }
  });

  it("accepts cookies signed with a retired secret after rotation", async () => {
    const store = new MemoryStore();
    const controller = (secret: string[]) => {
      class Rotating {
        @post("/in")
        @session(store, { secret })
        login(_req: any, res: any, scope: any) {
          scope.session.user = "alice";
          res.end("in");
        }
        @get("/me")
        @session(store, { secret })
        me(_req: any, res: any, scope: any) {
          res.end(String(scope.session.user ?? "nobody"));
        }
      }
      return Rotating;
    };
    const before = new Aex().push(controller(["old"]));
    const after = new Aex().push(controller(["new", "old"]));
    const removed = new Aex().push(controller(["new"]));
    await Promise.all([before.start(0, "127.0.0.1"), after.start(0, "127.0.0.1"), removed.start(0, "127.0.0.1")]);
    try {
      const jar = new CookieJar(`http://127.0.0.1:${before.port}`);
      await jar.send("POST", "/in");
      const cookie = { Cookie: `aex.sid=${jar.cookies.get("aex.sid")}` };
      expect((await new CookieJar(`http://127.0.0.1:${after.port}`).send("GET", "/me", { headers: cookie })).text).toBe(
        "alice",
      );
      expect(
        (await new CookieJar(`http://127.0.0.1:${removed.port}`).send("GET", "/me", { headers: cookie })).text,
      ).toBe("nobody");
    } finally {
      await Promise.all([before.close(), after.close(), removed.close()]);
    }
  });

  it("keeps a session across requests of the in-process client", async () => {
    const aex = new Aex().push(controllerFor(new MemoryStore()));
    const client = aex.inject();
    await client.post("/user/login").send({ name: "ida" });
    expect(client.cookies.has("aex.sid")).toBe(true);
    expect((await client.get("/user/profile")).text()).toBe('{"name":"ida"}');
    expect((await aex.inject().get("/user/profile")).text()).toBe("null");
  });

  it("works as a plain step with aex.use(session(store))", async () => {
    const aex = new Aex();
    aex.use(session(new MemoryStore(), { secret: "s" }));
    aex.use(async (_req, res, scope) => {
      scope.session.visits = (scope.session.visits ?? 0) + 1;
      res.end(String(scope.session.visits));
      return false;
    });
    await aex.start(0, "127.0.0.1");
    try {
      const jar = new CookieJar(`http://127.0.0.1:${aex.port}`);
      expect((await jar.send("GET", "/a")).text).toBe("1");
      expect((await jar.send("GET", "/b")).text).toBe("2");
    } finally {
      await aex.close();
    }
  });
});
