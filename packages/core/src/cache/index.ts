// The cache: API, stores and the @cache decorator
export { Cache } from "./cache";
export type { CacheStore, Awaitable } from "./cache-store";
export { MemoryCacheStore, type MemoryCacheStoreOptions } from "./memory-cache-store";
export { RedisCacheStore, type RedisCacheClient, type RedisCacheStoreOptions } from "./redis-cache-store";
export { cache, type CacheOptions } from "./cache-decorator";
