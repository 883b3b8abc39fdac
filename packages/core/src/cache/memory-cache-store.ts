import type { CacheStore } from "./cache-store";

interface Entry {
  value: unknown;
  expires: number;
  tags: readonly string[];
}

/** Options of a {@link MemoryCacheStore}. */
export interface MemoryCacheStoreOptions {
  /** Most entries kept; the least recently used goes first. Default 1 000. */
  maxEntries?: number;
}

/**
 * A bounded in-process cache: least-recently-used eviction past `maxEntries`, expiry per
 * entry. One process only; use {@link RedisCacheStore} for several.
 *
 * @example
 * const cache = new Cache(new MemoryCacheStore({ maxEntries: 10_000 }));
 */
export class MemoryCacheStore implements CacheStore {
  private readonly entries = new Map<string, Entry>();
  private readonly tagged = new Map<string, Set<string>>();
  private readonly maxEntries: number;

  constructor(options: MemoryCacheStoreOptions = {}) {
    this.maxEntries = options.maxEntries ?? 1_000;
  }

  /** How many entries are held (expired ones included until read or evicted). */
  get size(): number {
    return this.entries.size;
  }

  get(key: string): unknown {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.expires <= Date.now()) {
      this.delete(key);
      return undefined;
    }
    // Map order is insertion order: re-inserting marks the entry most recently used.
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.value;
  }

  set(key: string, value: unknown, ttl: number, tags: readonly string[] = []): void {
    this.delete(key);
    this.entries.set(key, { value, expires: Date.now() + ttl * 1000, tags });
    for (const tag of tags) {
      let keys = this.tagged.get(tag);
      if (keys === undefined) this.tagged.set(tag, (keys = new Set()));
      keys.add(key);
    }
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value as string;
      this.delete(oldest);
    }
  }

  delete(key: string): void {
    const entry = this.entries.get(key);
    if (entry === undefined) return;
    this.entries.delete(key);
    for (const tag of entry.tags) {
      const keys = this.tagged.get(tag);
      keys?.delete(key);
      if (keys?.size === 0) this.tagged.delete(tag);
    }
  }

  invalidateTag(tag: string): void {
    for (const key of [...(this.tagged.get(tag) ?? [])]) this.delete(key);
    this.tagged.delete(tag);
  }
}
