// @decorator-modes both: the README's Scope, filled by decorated steps.
import { Aex, get, Scope } from "@aex/core";
import { get as httpGet, listen } from "./support/http";

describe("Scope", () => {
  let aex: Aex;
  let base: string;

  class Probe {
    @get("/scope")
    probe(_req: any, res: any, scope: Scope) {
      scope.inner.a = (scope.inner.a ?? 0) + 100;
      scope.outer.hits = (scope.outer.hits ?? 0) + 1;
      res.json({
        inner: scope.inner.a,
        localIsInner: scope.local === scope.inner,
        globalIsOuter: scope.global === scope.outer,
        hits: scope.outer.hits,
        started: scope.time.started.toISOString(),
        passed: scope.time.passed,
        query: scope.query,
        params: scope.params,
        body: scope.body,
        files: scope.files,
        error: scope.error,
        session: scope.session ?? null,
        engine: scope.engine ?? null,
        ormShared: scope.orm === aex.orm,
        emitter: scope.emitter === aex.emitter,
        debug: typeof scope.debug === "function" && typeof scope.debug("aex:test") === "function",
      });
    }

    @get("/readonly")
    readonly(_req: any, res: any, scope: any) {
      const attempts = ["outer", "inner", "global", "local", "time", "query", "params", "body", "error", "debug"];
      const refused = attempts.filter((name) => {
        try {
          scope[name] = {};
          return false;
        } catch (e) {
          return e instanceof TypeError;
        }
      });
      const timeRefused = ["started", "passed"].filter((name) => {
        try {
          scope.time[name] = {};
          return false;
        } catch (e) {
          return e instanceof TypeError;
        }
      });
      scope.custom = "mine";
      res.json({ refused, timeRefused, custom: scope.custom });
    }
  }

  beforeAll(async () => {
    aex = new Aex().push(Probe);
    base = await listen(aex);
  });
  afterAll(() => aex.close());

  it("has fresh inner/local per request and shared outer/global", async () => {
    const first = (await httpGet(base, "/scope")).json<Record<string, unknown>>();
    const second = (await httpGet(base, "/scope")).json<Record<string, unknown>>();
    expect(first).toMatchObject({ inner: 100, localIsInner: true, globalIsOuter: true, hits: 1 });
    expect(second).toMatchObject({ inner: 100, hits: 2 });
  });

  it("exposes time, empty containers, orm, emitter and debug", async () => {
    const before = Date.now();
    const body = (await httpGet(base, "/scope")).json<Record<string, unknown>>();
    expect(Date.parse(body.started as string)).toBeGreaterThanOrEqual(before - 5);
    expect(body.passed).toBeGreaterThanOrEqual(0);
    expect(body).toMatchObject({
      query: {},
      params: {},
      body: {},
      files: {},
      error: {},
      session: null,
      engine: null,
      ormShared: true,
      emitter: true,
      debug: true,
    });
  });

  it("refuses to reassign every built-in attribute, and takes new ones", async () => {
    const body = (await httpGet(base, "/readonly")).json();
    expect(body).toEqual({
      refused: ["outer", "inner", "global", "local", "time", "query", "params", "body", "error", "debug"],
      timeRefused: ["started", "passed"],
      custom: "mine",
    });
  });

  it("lets step authors fill slots with provide(), their own ones through defineSlot()", () => {
    Scope.defineSlot("tenant");
    Scope.defineSlot("tenant"); // a second definition of the same slot is a no-op
    const scope = new Scope({ outer: {}, orm: {}, emitter: aex.emitter });
    expect(scope.tenant).toBeUndefined();
    scope.provide("tenant", { id: "acme" });
    scope.provide("pagination", { page: 2, limit: 10, offset: 10 });
    expect(scope.tenant).toEqual({ id: "acme" });
    expect(() => Scope.defineSlot("orm" as "tenant")).toThrow(
      expect.objectContaining({ code: "AEX_ERR_PLUGIN_HELPER_TAKEN" }),
    );
    expect(scope.pagination).toEqual({ page: 2, limit: 10, offset: 10 });
  });

  it("has no index signature: a name that is no slot is a compile error, typed slots stay typed", () => {
    const scope = new Scope({ outer: {}, orm: {}, emitter: aex.emitter }, undefined, null, "req-1");
    // @ts-expect-error -- not a slot: per-request data of your own goes in scope.inner
    scope.notASlot = 1;
    // @ts-expect-error -- a built-in slot is read-only (and throws in strict code)
    expect(() => (scope.params = {})).toThrow(TypeError);
    scope.inner.mine = 1;
    expect(scope.inner).toEqual({ mine: 1 });
    expect(scope.requestId).toBe("req-1");
  });
});

declare module "@aex/core" {
  interface ScopeSlots {
    tenant: { id: string };
  }
  interface Scope {
    readonly tenant: { id: string } | undefined;
  }
}
