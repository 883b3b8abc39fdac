/** How counting works: a fixed window resets at once; a sliding one weighs the last window in. */
export type RateLimitAlgorithm = "fixed" | "sliding";

/** What a store answers for one hit. */
export interface RateLimitHit {
  /** Requests counted in the current window, this one included (sliding: weighted). */
  readonly count: number;
  /** Milliseconds until the current window ends. */
  readonly resetMs: number;
}

/**
 * Where a rate limit counts. The memory store suits one process; {@link RedisRateLimitStore}
 * shares the counts between many. A store that throws is treated as down: the limit
 * then fails open or closed, as configured.
 *
 * @example
 * class MyStore implements RateLimitStore {
 *   async hit(key, windowMs, algorithm) { return { count: 1, resetMs: windowMs }; }
 * }
 */
export interface RateLimitStore {
  /** Counts one request for `key` and answers the count in its window. */
  hit(key: string, windowMs: number, algorithm: RateLimitAlgorithm): Promise<RateLimitHit> | RateLimitHit;
}

/**
 * The sliding-window estimate: this window's count plus the previous window's, weighted by
 * how much of it still overlaps the last `windowMs` (the Cloudflare/nginx approximation).
 */
export function slidingCount(current: number, previous: number, elapsedMs: number, windowMs: number): number {
  return current + previous * ((windowMs - elapsedMs) / windowMs);
}
