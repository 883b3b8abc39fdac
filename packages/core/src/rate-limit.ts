/**
 * Rate limits per client, route or key, in memory or in Redis across instances.
 *
 * @module @aex/core/rate-limit
 */
export { rateLimit, type RateLimitOptions, type RateLimitBy } from "./guards/rate-limit";
export type { RateLimitStore, RateLimitHit, RateLimitAlgorithm } from "./guards/rate-limit-store";
export { MemoryRateLimitStore, type MemoryRateLimitStoreOptions } from "./guards/memory-rate-limit-store";
export {
  RedisRateLimitStore,
  type RedisCommandClient,
  type RedisRateLimitStoreOptions,
} from "./guards/redis-rate-limit-store";
