import { Aex, body, get, post, type AexRequest, type AexResponse, type Scope, type ScopeWith } from "@aex/core";
import { MemoryStore, session, sessions, unsign } from "@aex/session";
import { CookieJar } from "./support/cookie-jar";

const SECRET = "test secret";
const form = { "Content-Type": "application/x-www-form-urlencoded" };

function appWith(store: MemoryStore, options: Parameters<typeof session>[1] = {}, aexOptions = {}) {
  const settings = { secret: SECRET, ...options };
  class Account {
    @post("/visit")
    @session(store, settings)
    visit(_req: AexRequest, res: AexResponse, scope: Scope) {
      scope.session.visits = (scope.session.visits ?? 0) + 1;
      res.json({ visits: scope.session.visits });
    }

    @post("/login")
    @body()
    @session(store, settings)
    login(_req: AexRequest, res: AexResponse, scope: ScopeWith<{ body: { name: string } }>) {
      scope.session.user = { name: scope.body.name };
      res.json({ ok: true });
    }

    @post("/promote")
    @session(store, settings)
    promote(_req: AexRequest, res: AexResponse, scope: Scope) {
      scope.session.roles = ["admin"];
      res.json({ ok: true });
    }

    @get("/me")
    @session(store, settings)
    me(_req: AexRequest, res: AexResponse, scope: Scope) {
      res.json({
        user: scope.session.user ?? null,
        visits: scope.session.visits ?? 0,
        roles: scope.session.roles ?? [],
      });
    }
  }
  return new Aex(aexOptions).push(Account);
}

async function started(aex: Aex): Promise<string> {
  await aex.start(0, "127.0.0.1");
  return `http://127.0.0.1:${aex.port}`;
}

const idOf = (jar: CookieJar) => unsign(jar.cookies.get("aex.sid") ?? "", [SECRET]);

describe("session id rotation on identity change (secure default)", () => {
  // Regression: logging in kept the session id the client already had (session fixation).
  it("writing scope.session.user gives a new id, keeps the data and destroys the old id", async () => {
    const store = new MemoryStore();
    const aex = appWith(store);
    const base = await started(aex);
    try {
      const jar = new CookieJar(base);
      await jar.send("POST", "/visit");
      const before = idOf(jar);
      const beforeCookie = jar.cookies.get("aex.sid")!;
      expect(before).not.toBeNull();
      expect(store.get(before!)).toEqual({ visits: 1 });

      const login = await jar.send("POST", "/login", { headers: form, body: "name=alice" });
      expect(login.status).toBe(200);
      const after = idOf(jar);
      expect(after).not.toBeNull();
      expect(after).not.toBe(before);
      expect(store.get(before!)).toBeUndefined();
      expect(store.get(after!)).toEqual({ visits: 1, user: { name: "alice" } });
      expect((await jar.send("GET", "/me")).json()).toEqual({ user: { name: "alice" }, visits: 1, roles: [] });

      // A stolen pre-login cookie no longer reaches the session.
      const old = await new CookieJar(base).send("GET", "/me", { headers: { Cookie: `aex.sid=${beforeCookie}` } });
      expect(old.status).toBe(200);
      expect(old.json()).toEqual({ user: null, visits: 0, roles: [] });

      await jar.send("POST", "/promote");
      expect(idOf(jar)).not.toBe(after);
      expect(store.get(after!)).toBeUndefined();

      const unchanged = idOf(jar);
      await jar.send("POST", "/visit");
      expect(idOf(jar)).toBe(unchanged); // other keys do not rotate
    } finally {
      await aex.close();
    }
  });

  // The rolling cookie re-sends the client's own signed value; once the id rotates, it must be
  // the new id that goes out, however often the session is saved in the request.
  it("sends the new id after a rotation even when the handler saves again", async () => {
    const store = new MemoryStore();
    class Login {
      @post("/visit")
      @session(store, { secret: SECRET })
      visit(_req: AexRequest, res: AexResponse, scope: Scope) {
        scope.session.visits = 1;
        res.end("ok");
      }

      @post("/login")
      @session(store, { secret: SECRET })
      async login(_req: AexRequest, res: AexResponse, scope: Scope) {
        scope.session.user = "ada";
        await scope.session.save();
        await scope.session.save();
        res.end("in");
      }
    }
    const browser = new Aex().push(Login).inject();
    await browser.post("/visit");
    const before = unsign(browser.cookies.get("aex.sid") ?? "", [SECRET]);
    const login = await browser.post("/login");
    expect(login.headers["set-cookie"]).toHaveLength(1);
    const after = unsign(browser.cookies.get("aex.sid") ?? "", [SECRET]);
    expect(after).not.toBeNull();
    expect(after).not.toBe(before);
    expect(store.get(after!)).toEqual({ visits: 1, user: "ada" });
  });

  // Regression: regenerate() then a login write rotated twice, so the id the handler saw after
  // regenerate() (and the CSRF token bound to it) was not the one the client got.
  it("regression: regenerate() then writing the user rotates the id once, to the id the handler saw", async () => {
    const store = new MemoryStore();
    class Login {
      @post("/visit")
      @session(store, { secret: SECRET })
      visit(_req: AexRequest, res: AexResponse, scope: Scope) {
        scope.session.visits = 1;
        res.end("ok");
      }

      @post("/login")
      @session(store, { secret: SECRET })
      async login(_req: AexRequest, res: AexResponse, scope: Scope) {
        await scope.session.regenerate();
        scope.session.user = "ada";
        res.json({ id: scope.session.id });
      }
    }
    const browser = new Aex().push(Login).inject();
    await browser.post("/visit");
    const before = unsign(browser.cookies.get("aex.sid") ?? "", [SECRET]);
    const login = await browser.post("/login");
    expect(login.status).toBe(200);
    const seen = login.json<{ id: string }>().id;
    const after = unsign(browser.cookies.get("aex.sid") ?? "", [SECRET]);
    expect(seen).not.toBe(before);
    expect(after).toBe(seen);
    expect(store.get(before!)).toBeUndefined();
    expect(store.get(seen)).toEqual({ visits: 1, user: "ada" });
  });

  it("re-signs a cookie of a retired secret with the current one as it rolls", async () => {
    const store = new MemoryStore();
    const make = (secret: string | string[]) => {
      class Visits {
        @post("/visit")
        @session(store, { secret })
        visit(_req: AexRequest, res: AexResponse, scope: Scope) {
          scope.session.visits = (scope.session.visits ?? 0) + 1;
          res.end(String(scope.session.visits));
        }
      }
      return new Aex().push(Visits);
    };
    const first = make("old secret").inject();
    expect((await first.post("/visit")).text()).toBe("1");
    const cookie = first.cookies.get("aex.sid")!;
    const rotated = make(["new secret", "old secret"]).inject();
    rotated.cookies.set("aex.sid", cookie);
    expect((await rotated.post("/visit")).text()).toBe("2");
    const resigned = rotated.cookies.get("aex.sid")!;
    expect(resigned).not.toBe(cookie);
    expect(unsign(resigned, ["new secret"])).toBe(unsign(cookie, ["old secret"]));
  });

  it("identityKeys: [] turns rotation off; a custom list rotates on its keys", async () => {
    const off = appWith(new MemoryStore(), { identityKeys: [] });
    const custom = appWith(new MemoryStore(), { identityKeys: ["visits"] });
    const [offBase, customBase] = [await started(off), await started(custom)];
    try {
      const jar = new CookieJar(offBase);
      await jar.send("POST", "/visit");
      const id = idOf(jar);
      await jar.send("POST", "/login", { headers: form, body: "name=bob" });
      expect(idOf(jar)).toBe(id);

      const other = new CookieJar(customBase);
      await other.send("POST", "/visit");
      const first = idOf(other);
      await other.send("POST", "/visit");
      expect(idOf(other)).not.toBe(first);
    } finally {
      await Promise.all([off.close(), custom.close()]);
    }
  });
});

describe("session cookie attributes (secure defaults)", () => {
  it("HttpOnly and SameSite=Lax always; Secure under HTTPS (a trusted proxy's X-Forwarded-Proto)", async () => {
    const plain = appWith(new MemoryStore());
    const proxied = appWith(new MemoryStore(), {}, { trustProxy: "loopback" });
    const [plainBase, proxiedBase] = [await started(plain), await started(proxied)];
    try {
      const overHttp = await new CookieJar(plainBase).send("POST", "/visit", {
        headers: { "X-Forwarded-Proto": "https" },
      });
      expect(String(overHttp.headers["set-cookie"])).toMatch(/; HttpOnly; SameSite=Lax$/);
      expect(String(overHttp.headers["set-cookie"])).not.toMatch(/Secure/);
      const overHttps = await new CookieJar(proxiedBase).send("POST", "/visit", {
        headers: { "X-Forwarded-Proto": "https" },
      });
      expect(String(overHttps.headers["set-cookie"])).toMatch(/; HttpOnly; Secure; SameSite=Lax$/);
    } finally {
      await Promise.all([plain.close(), proxied.close()]);
    }
  });
});

describe("session cookie named __Host-", () => {
  it("is sent Secure with Path=/ and no Domain over HTTPS, and names the session on the next request", async () => {
    const aex = appWith(new MemoryStore(), { name: "__Host-aex.sid" }, { trustProxy: "loopback" });
    const base = await started(aex);
    try {
      const jar = new CookieJar(base);
      const https = { "X-Forwarded-Proto": "https" };
      const first = await jar.send("POST", "/visit", { headers: https });
      expect(first.json()).toEqual({ visits: 1 });
      expect(String(first.headers["set-cookie"])).toMatch(
        /^__Host-aex\.sid=[\w-]+\.[\w-]+; Max-Age=86400; Path=\/; HttpOnly; Secure; SameSite=Lax$/,
      );
      const second = await jar.send("POST", "/visit", { headers: https });
      expect(second.json()).toEqual({ visits: 2 });
    } finally {
      await aex.close();
    }
  });
});

describe("session secret in production", () => {
  const saved = { env: process.env.NODE_ENV, secret: process.env.AEX_SESSION_SECRET };
  afterEach(() => {
    process.env.NODE_ENV = saved.env;
    if (saved.secret === undefined) delete process.env.AEX_SESSION_SECRET;
    else process.env.AEX_SESSION_SECRET = saved.secret;
  });

  // Regression: each process invented a secret, so cluster workers logged users out at random.
  it("a missing secret is a startup error (AEX_ERR_SESSION_SECRET_MISSING)", () => {
    process.env.NODE_ENV = "production";
    delete process.env.AEX_SESSION_SECRET;
    const missing = expect.objectContaining({ code: "AEX_ERR_SESSION_SECRET_MISSING" });
    // Given options decide at once.
    expect(() => session(undefined, {})).toThrow(missing);
    expect(() => session(undefined, { secret: " " })).toThrow(missing);
    expect(() => session(undefined, { secret: "set" })).not.toThrow();
    // The plugin is checked when it is registered.
    expect(() => new Aex().register(sessions, { store: new MemoryStore() })).toThrow(missing);
    expect(() => new Aex().register(sessions, { secret: "set" })).not.toThrow();
    // `@session()` takes the app's options, so it is checked at prepare(), before serving.
    expect(() => session()).not.toThrow();
    expect(() => new Aex().push(me()).prepare()).toThrow(missing);
    expect(() => new Aex().register(sessions, { secret: "set" }).push(me()).prepare()).not.toThrow();
    process.env.AEX_SESSION_SECRET = "from env";
    expect(() => session(undefined, {})).not.toThrow();
    expect(() => new Aex().register(sessions).push(me()).prepare()).not.toThrow();
    expect(() => new Aex().push(me()).prepare()).not.toThrow();
  });

  /** A controller whose route takes the app's session settings. */
  function me() {
    class Me {
      @get("/me")
      @session()
      me(_req: AexRequest, res: AexResponse, scope: Scope) {
        res.json({ user: scope.session.user ?? null });
      }
    }
    return Me;
  }
});
