// @decorator-modes both: the README's session store examples.
import { Aex, post, type AexRequest, type AexResponse, type Scope } from "@aex/core";
import { ISessionStore, MemoryStore, session, unsign, type SessionData } from "@aex/session";

describe("MemoryStore", () => {
  it("returns copies, so a live session never changes the stored one", () => {
    const store = new MemoryStore();
    const data = { user: { name: "alice" } };
    store.set("a", data);
    data.user.name = "mallory";
    const read = store.get("a")!;
    read.user.name = "eve";
    expect(store.get("a")).toEqual({ user: { name: "alice" } });
  });

  it("expires entries after their TTL, and touch extends it", async () => {
    const store = new MemoryStore({ ttl: 1 });
    store.set("short", { a: 1 });
    store.set("touched", { b: 2 });
    await new Promise((resolve) => setTimeout(resolve, 600));
    store.touch("touched", 2);
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(store.get("short")).toBeUndefined();
    expect(store.get("touched")).toEqual({ b: 2 });
  });

  it("evicts the least recently used past max", () => {
    const store = new MemoryStore({ max: 3 });
    store.set("a", {});
    store.set("b", {});
    store.set("c", {});
    store.get("a"); // a is now the most recently used
    store.set("d", {});
    expect(store.get("b")).toBeUndefined();
    expect(store.get("a")).toEqual({});
    expect(store.get("c")).toEqual({});
    expect(store.get("d")).toEqual({});
    expect(store.size).toBe(3);
  });

  it("starts no timers that would keep the process alive", () => {
    const before = process.getActiveResourcesInfo().filter((r) => r === "Timeout").length;
    const store = new MemoryStore({ ttl: 1 });
    for (let i = 0; i < 100; i++) store.set(String(i), { i });
    expect(process.getActiveResourcesInfo().filter((r) => r === "Timeout").length).toBe(before);
  });

  it("lets users write their own store from ISessionStore and plug it into session() (README)", async () => {
    class MapStore extends ISessionStore {
      private map = new Map<string, SessionData>();
      get(id: string) {
        return this.map.get(id);
      }
      set(id: string, value: SessionData) {
        this.map.set(id, value);
      }
      destroy(id: string) {
        this.map.delete(id);
      }
    }
    const store = new MapStore();

    class Counter {
      @post("/count")
      @session(store, { secret: "own store secret" })
      count(_req: AexRequest, res: AexResponse, scope: Scope) {
        scope.session.count = (scope.session.count ?? 0) + 1;
        res.json({ count: scope.session.count });
      }

      @post("/logout")
      @session(store, { secret: "own store secret" })
      async logout(_req: AexRequest, res: AexResponse, scope: Scope) {
        await scope.session.destroy();
        res.end("bye");
      }
    }
    const client = new Aex().push(Counter).inject();

    const first = await client.post("/count");
    expect(first.status).toBe(200);
    expect(first.json()).toEqual({ count: 1 });
    expect(first.headers["set-cookie"]).toEqual([expect.stringMatching(/^aex\.sid=[^;]+;/)]);
    expect((await client.post("/count")).json()).toEqual({ count: 2 });

    // The data lives in this store, under the id the signed cookie carries.
    expect((await client.post("/count")).json()).toEqual({ count: 3 });
    const id = unsign(decodeURIComponent(client.cookies.get("aex.sid") ?? ""), ["own store secret"]);
    expect(id).not.toBeNull();
    expect(store.get(id!)).toEqual({ count: 3 });

    expect((await client.post("/logout")).text()).toBe("bye");
    expect(store.get(id!)).toBeUndefined();
    expect((await client.post("/count")).json()).toEqual({ count: 1 });
  });
});
