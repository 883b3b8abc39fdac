import { AexError } from "../errors/aex-error";
import type { AexApp } from "../registry/app-ref";
import { addDependency, isDependency } from "../ops/dependencies";
import type { Awaitable, CacheStore } from "./cache-store";
import { MemoryCacheStore } from "./memory-cache-store";

/** @internal Where an app keeps its cache (`app.state`): the registered one, or a memory cache made on first use. */
export const APP_CACHE = Symbol("aex.cache");

/**
 * A key-value cache with expiry over a {@link CacheStore}: `get/set/delete`, tags, and
 * `wrap` that runs a producer once per key however many callers miss at the same time.
 * It is also a plugin: `aex.register(cache)` makes it the cache of the app's `@cache`
 * routes, closed with the app. An app that registers none gets a memory cache of its own.
 *
 * @example
 * const cache = new Cache(new RedisCacheStore(client));
 * aex.register(cache); // the app's cached routes store here
 * const user = await cache.wrap(`user:${id}`, 60, () => db.users.find(id));
 * await cache.invalidateTag("users");
 */
export class Cache {
  /** The plugin's name (`aex.register(cache)`). */
  readonly name = "cache";
  private readonly pending = new Map<string, Promise<unknown>>();

  /** @param store Where entries live: memory (default), Redis, or your own {@link CacheStore}. */
  constructor(readonly store: CacheStore = new MemoryCacheStore()) {}

  /** The value under `key`, or undefined. */
  async get<T = unknown>(key: string): Promise<T | undefined> {
    return (await this.store.get(key)) as T | undefined;
  }

  /** Stores `value` for `ttl` seconds under `key` (and `tags`, to invalidate together). */
  async set(key: string, value: unknown, ttl: number, tags?: readonly string[]): Promise<void> {
    await this.store.set(key, value, ttl, tags);
  }

  /** Forgets `key`. */
  async delete(key: string): Promise<void> {
    await this.store.delete(key);
  }

  /** Forgets every entry stored with `tag`. */
  async invalidateTag(tag: string): Promise<void> {
    await this.store.invalidateTag(tag);
  }

  /**
   * The cached value of `key`, or the producer's result, stored for `ttl` seconds.
   * Concurrent misses of one key share one producer run (single flight).
   */
  async wrap<T>(key: string, ttl: number, producer: () => Awaitable<T>, tags?: readonly string[]): Promise<T> {
    const cached = await this.store.get(key);
    if (cached !== undefined) return cached as T;
    const running = this.pending.get(key);
    if (running !== undefined) return running as Promise<T>;
    const produced = (async () => {
      try {
        const value = await producer();
        await this.store.set(key, value, ttl, tags);
        return value;
      } finally {
        this.pending.delete(key);
      }
    })();
    this.pending.set(key, produced);
    return produced;
  }

  /** Closes the store's connections. */
  async close(): Promise<void> {
    await this.store.close?.();
  }

  /** Makes this the cache of `app`'s `@cache` routes, closed with the app (`aex.register(cache)`). */
  setup(app: AexApp): void {
    const current = app.state<Cache>(APP_CACHE, () => this);
    if (current !== this) throw new AexError("AEX_ERR_PLUGIN_DUPLICATE", "an app has one cache; this app has another");
    app.onClose(() => this.close());
    // A Redis store: aex.start() waits for its first connection, readiness reports it.
    if (isDependency(this.store)) addDependency(app, "cache store", this.store);
  }
}

/** The cache of `app`'s `@cache` routes: the one registered, else a memory cache made now. */
export function appCache(app: AexApp): Cache {
  return app.state<Cache>(APP_CACHE, () => {
    const cache = new Cache();
    app.onClose(() => cache.close());
    return cache;
  });
}
