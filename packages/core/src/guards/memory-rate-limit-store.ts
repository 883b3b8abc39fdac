import { slidingCount, type RateLimitAlgorithm, type RateLimitHit, type RateLimitStore } from "./rate-limit-store";

interface Window {
  /** Start of the current window: the key's first hit, then whole windows after it. */
  start: number;
  current: number;
  previous: number;
}

/** Options of {@link MemoryRateLimitStore}. */
export interface MemoryRateLimitStoreOptions {
  /** Most keys kept; past it the oldest are dropped first. Default 100 000. */
  maxKeys?: number;
}

/**
 * The default rate-limit store: counts in this process's memory. Bounded (the oldest keys
 * go first past `maxKeys`) and expiring (a key whose windows have passed is dropped when
 * met, and a sweep on insert drops a few more), so a flood of distinct addresses cannot
 * grow it without end.
 *
 * @example
 * aex.use(rateLimit({ limit: 100, windowMs: 60_000, store: new MemoryRateLimitStore({ maxKeys: 10_000 }) }));
 */
export class MemoryRateLimitStore implements RateLimitStore {
  private readonly windows = new Map<string, Window>();
  private readonly maxKeys: number;

  constructor(options: MemoryRateLimitStoreOptions = {}) {
    this.maxKeys = options.maxKeys ?? 100_000;
  }

  /** Number of keys held now. */
  get size(): number {
    return this.windows.size;
  }

  hit(key: string, windowMs: number, algorithm: RateLimitAlgorithm, now = Date.now()): RateLimitHit {
    let window = this.windows.get(key);
    if (window === undefined || now >= window.start + 2 * windowMs) {
      // A key's windows start at its first hit (none or only stale ones before).
      window = { start: now, current: 0, previous: 0 };
    } else if (now >= window.start + windowMs) {
      window = { start: window.start + windowMs, current: 0, previous: window.current };
    }
    window.current++;
    // Re-inserting keeps the Map in last-use order, so eviction drops the stalest key.
    this.windows.delete(key);
    this.windows.set(key, window);
    this.evict(now, windowMs);
    const elapsed = Math.max(0, now - window.start); // the clock may step back
    const count =
      algorithm === "fixed" ? window.current : slidingCount(window.current, window.previous, elapsed, windowMs);
    return { count, resetMs: windowMs - elapsed };
  }

  private evict(now: number, windowMs: number): void {
    while (this.windows.size > this.maxKeys) {
      const oldest = this.windows.keys().next().value as string;
      this.windows.delete(oldest);
    }
    // Drop up to two expired keys per hit: amortized cleanup without a timer.
    let checked = 0;
    for (const [key, window] of this.windows) {
      if (checked++ >= 2) break;
      if (window.start + 2 * windowMs <= now) this.windows.delete(key);
      else break;
    }
  }
}
