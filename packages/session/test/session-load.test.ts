import { Aex, get, post, type AexRequest, type AexResponse, type Scope } from "@aex/core";
import { ISessionStore, MemoryStore, session, type SessionData, type Store } from "@aex/session";

const SECRET = "load secret";

/** An app whose `/login` stores a user and whose `/me` answers it, both on `store`; `seen` lists handler runs. */
function app(store: Store, seen: string[] = []): Aex {
  class Account {
    @post("/login")
    @session(store, { secret: SECRET })
    login(_req: AexRequest, res: AexResponse, scope: Scope) {
      scope.session.user = "ada";
      seen.push("login");
      res.json({ ok: true });
    }

    @get("/me")
    @session(store, { secret: SECRET })
    me(_req: AexRequest, res: AexResponse, scope: Scope) {
      seen.push("me");
      res.json({ user: scope.session.user ?? null });
    }
  }
  return new Aex({ production: true, logger: false }).push(Account);
}

// The session step stays synchronous while the store answers at once (the memory store), and
// waits for a store that answers later: both kinds must load, and fail, alike.
describe("a session store's answer to get()", () => {
  it("a store that answers at once (MemoryStore) and one that answers with any thenable both load the session", async () => {
    const memory = new MemoryStore();
    // A store whose get() gives a thenable that is no native Promise (some drivers' own).
    class ThenableStore extends ISessionStore {
      readonly inner = new MemoryStore();
      get(id: string): Promise<SessionData | undefined> {
        const value = this.inner.get(id);
        return { then: (done: (v: unknown) => unknown) => done(value) } as unknown as Promise<SessionData | undefined>;
      }
      set(id: string, value: SessionData, ttl?: number): void {
        this.inner.set(id, value, ttl);
      }
      destroy(id: string): void {
        this.inner.destroy(id);
      }
    }
    for (const store of [memory, new ThenableStore()]) {
      const client = app(store).inject();
      const login = await client.post("/login");
      expect(login.status).toBe(200);
      expect(login.headers["set-cookie"]).toBeDefined();
      // The test client sends the cookie it was given.
      const me = await client.get("/me");
      expect(me.status).toBe(200);
      expect(me.json()).toEqual({ user: "ada" });
    }
  });

  it.each([
    [
      "throws",
      (): Promise<never> => {
        throw new Error("store down");
      },
    ],
    ["rejects", (): Promise<never> => Promise.reject(new Error("store down"))],
  ])("a store whose get() %s answers 500 before the handler runs, and the app keeps serving", async (_how, fail) => {
    const memory = new MemoryStore();
    let failing = false;
    class FlakyStore extends ISessionStore {
      get(id: string): SessionData | undefined | Promise<SessionData | undefined> {
        return failing ? fail() : memory.get(id);
      }
      set(id: string, value: SessionData): void {
        memory.set(id, value);
      }
      destroy(id: string): void {
        memory.destroy(id);
      }
    }
    const seen: string[] = [];
    const client = app(new FlakyStore(), seen).inject();
    expect((await client.post("/login")).headers["set-cookie"]).toBeDefined();
    failing = true;
    const res = await client.get("/me");
    expect(res.status).toBe(500);
    expect(res.headers["content-type"]).toBe("application/problem+json; charset=utf-8");
    expect(res.json()).toEqual({
      type: "about:blank",
      title: "Internal Server Error",
      status: 500,
      instance: "/me",
      code: "AEX_INTERNAL",
      requestId: res.headers["x-request-id"],
    });
    expect(res.headers["set-cookie"]).toBeUndefined();
    expect(seen).toEqual(["login"]);
    failing = false;
    const again = await client.get("/me");
    expect(again.json()).toEqual({ user: "ada" });
  });
});

// The step reads a MemoryStore's kept JSON directly (no serializing of what it loaded); a
// subclass's own get() must still be the one asked.
describe("a MemoryStore read by the session step", () => {
  it("asks a subclass's own get(): what it answers is the session (regression guard for the JSON shortcut)", async () => {
    const asked: string[] = [];
    class AuditedStore extends MemoryStore {
      override get(id: string): SessionData | undefined {
        asked.push(id);
        const data = super.get(id);
        return data === undefined ? undefined : { ...data, user: `${String(data.user)} (audited)` };
      }
    }
    const client = app(new AuditedStore()).inject();
    expect((await client.post("/login")).status).toBe(200);
    const me = await client.get("/me");
    expect(me.status).toBe(200);
    expect(me.json()).toEqual({ user: "ada (audited)" });
    expect(asked).toHaveLength(1);
  });

  it("asks a get() patched onto MemoryStore's prototype after the app started (spies, tracing)", async () => {
    const store = new MemoryStore();
    const client = app(store).inject();
    expect((await client.post("/login")).status).toBe(200);
    const original = Object.getOwnPropertyDescriptor(MemoryStore.prototype, "get")!;
    let calls = 0;
    MemoryStore.prototype.get = function (this: MemoryStore, id: string) {
      calls++;
      const data = (original.value as MemoryStore["get"]).call(this, id);
      return data === undefined ? undefined : { ...data, user: `${String(data.user)} (decrypted)` };
    };
    try {
      const me = await client.get("/me");
      expect(me.json()).toEqual({ user: "ada (decrypted)" });
      expect(calls).toBe(1);
      // And a get() set on the store itself.
      store.get = (id: string) => ({ ...(original.value as MemoryStore["get"]).call(store, id), user: "own" });
      expect((await client.get("/me")).json()).toEqual({ user: "own" });
    } finally {
      Object.defineProperty(MemoryStore.prototype, "get", original);
    }
    delete (store as { get?: unknown }).get;
    expect((await client.get("/me")).json()).toEqual({ user: "ada" });
  });

  it("stores a change made to loaded data, and nothing when the handler changed nothing", async () => {
    const store = new MemoryStore();
    class Counter {
      @post("/login")
      @session(store, { secret: SECRET })
      login(_req: AexRequest, res: AexResponse, scope: Scope) {
        scope.session.user = "ada";
        scope.session.visits = 0;
        res.json({ ok: true });
      }

      @post("/visit")
      @session(store, { secret: SECRET })
      visit(_req: AexRequest, res: AexResponse, scope: Scope) {
        scope.session.visits += 1;
        res.json({ visits: scope.session.visits });
      }

      @get("/peek")
      @session(store, { secret: SECRET })
      peek(_req: AexRequest, res: AexResponse, scope: Scope) {
        res.json({ user: scope.session.user, visits: scope.session.visits });
      }
    }
    const client = new Aex({ production: true, logger: false }).push(Counter).inject();
    await client.post("/login");
    const [id] = [...(store as unknown as { entries: Map<string, unknown> }).entries.keys()];
    expect((await client.post("/visit")).json()).toEqual({ visits: 1 });
    expect((await client.post("/visit")).json()).toEqual({ visits: 2 });
    expect((await client.get("/peek")).json()).toEqual({ user: "ada", visits: 2 });
    // Same id all along: a change that is not of an identity key keeps the session's id.
    expect([...(store as unknown as { entries: Map<string, unknown> }).entries.keys()]).toEqual([id]);
    expect(store.get(id)).toEqual({ user: "ada", visits: 2 });
  });
});
