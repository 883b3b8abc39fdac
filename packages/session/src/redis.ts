/**
 * The Redis session store, an entry of its own so that an app on the memory store never
 * loads (or installs) `redis`.
 *
 * @module @aex/session/redis
 */
export { RedisStore, type RedisStoreOptions, type RedisLike } from "./redis-store";
