import type { SessionData, Store } from "./store";

/** Options of a {@link MemoryStore}. */
export interface MemoryStoreOptions {
  /** Most sessions kept; past it the least recently used is evicted. Default 10 000. */
  max?: number;
  /** Default lifetime in seconds. Default 86 400 (a day). */
  ttl?: number;
}

/** The session step's way to read a memory store's JSON: not part of the public API. */
export const STORED_JSON: unique symbol = Symbol("aex.session.storedJson");

interface Entry {
  /** JSON, so a stored session never shares objects with a live one. */
  json: string;
  expires: number;
}

/**
 * Sessions in this process's memory: the embedded default. Entries expire after their
 * TTL and the least recently used go first past `max`. It runs no timers (expired
 * entries are dropped when met), so it never keeps a process alive. Use
 * {@link "@aex/session/redis"!RedisStore} to share sessions between processes.
 *
 * @example
 * const store = new MemoryStore({ max: 50_000, ttl: 3600 });
 */
export class MemoryStore implements Store {
  private readonly entries = new Map<string, Entry>();
  private readonly max: number;
  private readonly ttl: number;

  constructor(options: MemoryStoreOptions = {}) {
    this.max = options.max ?? 10_000;
    this.ttl = options.ttl ?? 86_400;
  }

  /** Number of sessions held (expired ones not yet met included). */
  get size(): number {
    return this.entries.size;
  }

  get(id: string): SessionData | undefined {
    const json = this[STORED_JSON](id);
    return json === undefined ? undefined : (JSON.parse(json) as SessionData);
  }

  /** `get()` as the JSON kept: the session step parses it, and compares with it at the end instead of serializing what it loaded. */
  [STORED_JSON](id: string): string | undefined {
    const entry = this.entries.get(id);
    if (entry === undefined) return undefined;
    if (entry.expires <= Date.now()) {
      this.entries.delete(id);
      return undefined;
    }
    // Re-insert: a Map keeps insertion order, so the first key is the least recently used.
    this.entries.delete(id);
    this.entries.set(id, entry);
    return entry.json;
  }

  set(id: string, value: SessionData, ttl = this.ttl): void {
    this.entries.delete(id);
    this.entries.set(id, { json: JSON.stringify(value), expires: Date.now() + ttl * 1000 });
    this.evict();
  }

  destroy(id: string): void {
    this.entries.delete(id);
  }

  touch(id: string, ttl = this.ttl): void {
    const entry = this.entries.get(id);
    if (entry !== undefined) entry.expires = Date.now() + ttl * 1000;
  }

  /** Drops expired entries from the old end, then the oldest past `max`. */
  private evict(): void {
    const now = Date.now();
    for (const [id, entry] of this.entries) {
      if (this.entries.size > this.max || entry.expires <= now) this.entries.delete(id);
      else break;
    }
  }
}

/**
 * MemoryStore's own `get`, taken when this module loads: the session step reads the kept
 * JSON itself only while a store's `get` is still this one (not a subclass's, not a patch
 * of the prototype or of the store, as spies and tracing make).
 */
export const MEMORY_GET = MemoryStore.prototype.get;
