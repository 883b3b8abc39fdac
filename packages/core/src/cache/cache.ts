import type { Awaitable, CacheStore } from "./cache-store";
import { MemoryCacheStore } from "./memory-cache-store";

/**
 * A key-value cache with expiry over a {@link CacheStore}: `get/set/delete`, tags, and
 * `wrap` that runs a producer once per key however many callers miss at the same time.
 *
 * @example
 * const cache = new Cache(); // memory
 * const user = await cache.wrap(`user:${id}`, 60, () => db.users.find(id));
 * await cache.invalidateTag("users");
 */
export class Cache {
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
}
