// addDependency (issue 29): the stores and adapters an app talks to over the network tell it
// so; aex.start() waits for their first connection and readiness reports each one.
import { Aex, AexError, get, type AexRequest, type AexResponse } from "@aex/core";
import { Cache, RedisCacheStore } from "@aex/core/cache";
import { health } from "@aex/core/health";
import { addDependency, isDependency, type Dependency, type DependencyState } from "@aex/core/plugin";
import { createClient } from "redis";
import { startRedis, type RedisServer } from "../../session/test/support/redis-server";

class Home {
  @get("/")
  home(_req: AexRequest, res: AexResponse) {
    res.end("home");
  }
}

/** A dependency a test drives by hand. */
class Manual implements Dependency {
  connection: DependencyState = "connecting";
  private open!: () => void;
  private fail!: (error: Error) => void;
  private readonly first = new Promise<void>((resolve, reject) => {
    this.open = resolve;
    this.fail = reject;
  });
  constructor(readonly startTimeout?: number) {}
  ready(): Promise<void> {
    return this.first;
  }
  up(): void {
    this.connection = "up";
    this.open();
  }
  refuse(message: string): void {
    this.fail(new Error(message));
  }
}

describe("addDependency(app, name, dependency)", () => {
  it("aex.start() listens only once every dependency is ready; readiness reports each by name", async () => {
    const queue = new Manual();
    const search = new Manual();
    const aex = new Aex().use(health()).push(Home);
    addDependency(aex, "queue", queue);
    addDependency(aex, "queue", search);
    addDependency(aex, "queue", queue); // the same object again: still one dependency
    let started = false;
    const starting = aex.start(0, "127.0.0.1").then(() => (started = true));
    queue.up();
    await new Promise((resolve) => setImmediate(resolve));
    expect(started).toBe(false);
    expect(aex.server?.listening ?? false).toBe(false);
    search.up();
    await starting;
    try {
      const ready = await fetch(`http://127.0.0.1:${aex.port}/health/ready`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toEqual({
        status: "ready",
        checks: {},
        dependencies: { queue: "up", "queue#2": "up" },
      });
      search.connection = "down";
      const degraded = await fetch(`http://127.0.0.1:${aex.port}/health/ready`);
      expect(degraded.status).toBe(200);
      expect(await degraded.json()).toEqual({
        status: "ready",
        checks: {},
        dependencies: { queue: "up", "queue#2": "down" },
      });
    } finally {
      await aex.close();
    }
  });

  it("aex.start() throws AEX_ERR_DEPENDENCY_UNAVAILABLE naming each dependency that failed or timed out", async () => {
    const refused = new Manual();
    const silent = new Manual(50);
    const aex = new Aex().push(Home);
    addDependency(aex, "search", refused);
    addDependency(aex, "queue", silent);
    refused.refuse("WRONGPASS invalid password");
    const error = await aex.start(0, "127.0.0.1").then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(AexError);
    expect(error).toMatchObject({ code: "AEX_ERR_DEPENDENCY_UNAVAILABLE" });
    expect((error as Error).message).toBe(
      "aex.start() did not listen: a store or adapter the app uses (Redis…) was not ready within its startTimeout: " +
        "search: WRONGPASS invalid password; queue: not ready within 50 ms",
    );
    await aex.close();
  });

  it("isDependency() tells a store that reports its connection from one that does not", () => {
    expect(isDependency(new Manual())).toBe(true);
    expect(isDependency({ ready: () => Promise.resolve() })).toBe(false);
    expect(isDependency(null)).toBe(false);
  });
});

describe("RedisCacheStore as a dependency", () => {
  let redis: RedisServer;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(() => redis.stop());

  it("a registered cache's Redis client is connected by aex.start() and reported by readiness", async () => {
    const client = createClient({ url: redis.url, disableOfflineQueue: true });
    client.on("error", () => undefined);
    const store = new RedisCacheStore(client);
    const aex = new Aex().use(health()).register(new Cache(store)).push(Home);
    expect(store.connection).toBe("connecting");
    await aex.start(0, "127.0.0.1");
    try {
      expect(client.isReady).toBe(true);
      const ready = await fetch(`http://127.0.0.1:${aex.port}/health/ready`);
      expect(await ready.json()).toEqual({ status: "ready", checks: {}, dependencies: { "cache store": "up" } });
    } finally {
      await aex.close();
    }
  });
});
