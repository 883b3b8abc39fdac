/**
 * The Redis broadcast adapter, an entry of its own so that a single-process app never
 * loads (or installs) `redis`.
 *
 * @module @aex/ws/redis
 */
export { RedisAdapter, type RedisAdapterOptions } from "./redis-adapter";
