import { Aex, get, type AexRequest, type AexResponse, type Scope } from "@aex/core";
import { MemoryStore, session, sessions } from "@aex/session";

class Counter {
  @get("/count")
  @session()
  count(_req: AexRequest, res: AexResponse, scope: Scope) {
    scope.session.n = (scope.session.n ?? 0) + 1;
    res.json({ n: scope.session.n });
  }
}

describe("aex.register(sessions, { store, secret })", () => {
  it("gives @session() without arguments the store the app registered", async () => {
    const store = new MemoryStore();
    const aex = new Aex().register(sessions, { store, secret: "s1", name: "sid" }).push(Counter);
    const client = aex.inject();
    expect((await client.get("/count")).json()).toEqual({ n: 1 });
    expect((await client.get("/count")).json()).toEqual({ n: 2 });
    const [id] = [...client.cookies.keys()];
    expect(id).toBe("sid");
    expect(store.size).toBe(1);
  });
});

describe("two apps in one process", () => {
  it("share no session store and no secret", async () => {
    delete process.env.AEX_SESSION_SECRET;
    const a = new Aex().push(Counter);
    const b = new Aex().push(Counter);
    const client = a.inject();
    expect((await client.get("/count")).json()).toEqual({ n: 1 });
    expect((await client.get("/count")).json()).toEqual({ n: 2 });
    // b's client presents a's cookie: b neither knows a's sessions nor a's random secret.
    const other = b.inject();
    for (const [name, value] of client.cookies) other.cookies.set(name, value);
    expect((await other.get("/count")).json()).toEqual({ n: 1 });
    expect((await client.get("/count")).json()).toEqual({ n: 3 });
  });
});
