/** A value or a promise of it: stores may be synchronous (memory) or not (Redis). */
export type Awaitable<T> = T | Promise<T>;

/**
 * Where cached values live. {@link MemoryCacheStore} is the default; {@link RedisCacheStore}
 * shares entries between processes and machines. Values are JSON-safe.
 */
export interface CacheStore {
  /** The value under `key`, or undefined when missing or expired. */
  get(key: string): Awaitable<unknown>;
  /** Stores `value` under `key` for `ttl` seconds, remembered under each of `tags`. */
  set(key: string, value: unknown, ttl: number, tags?: readonly string[]): Awaitable<void>;
  /** Forgets `key`. */
  delete(key: string): Awaitable<void>;
  /** Forgets every key stored with `tag`. */
  invalidateTag(tag: string): Awaitable<void>;
  /** Releases connections (called when the app closes). */
  close?(): Awaitable<void>;
}
