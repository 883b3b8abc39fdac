import { closeRedisClient } from "../helpers/close-redis-client";
import { RedisReadiness, type ConnectableRedisClient } from "../helpers/redis-readiness";
import type { Dependency, DependencyState } from "../ops/dependencies";
import type { CacheStore } from "./cache-store";

/**
 * The commands {@link RedisCacheStore} uses, as node-redis v4/v5 clients have them. Core
 * does not depend on `redis`: pass a client you created (`createClient({ url })`).
 */
export interface RedisCacheClient extends ConnectableRedisClient {
  /** `GET key`. */
  get(key: string): Promise<string | null | unknown>;
  /** `SET key value EX seconds`. */
  set(key: string, value: string, options: { EX: number }): Promise<unknown>;
  /** `DEL key…`. */
  del(keys: string | string[]): Promise<unknown>;
  /** `SADD key member…` (a tag's keys). */
  sAdd(key: string, members: string | string[]): Promise<unknown>;
  /** `SMEMBERS key`. */
  sMembers(key: string): Promise<string[] | unknown>;
  /** `EXPIRE key seconds`. */
  expire(key: string, seconds: number): Promise<unknown>;
  /** Closes the connection (node-redis 5). */
  close?(): Promise<unknown>;
  /** Closes the connection (node-redis 4). */
  quit?(): Promise<unknown>;
  /** Whether the connection works; a client that is not ready is destroyed on close. */
  readonly isReady?: boolean;
  /** `PING`, sent on close to learn whether Redis still answers. */
  ping?(): Promise<unknown>;
  /** Closes at once (node-redis 5), when Redis does not answer. */
  destroy?(): void;
}

/** Options of a {@link RedisCacheStore}. */
export interface RedisCacheStoreOptions {
  /** Key prefix. Default `"aex:cache:"`. */
  prefix?: string;
  /**
   * Milliseconds a command may take before it counts as failed (node-redis queues
   * commands while disconnected; a cache must not make requests wait for Redis).
   * Default 500.
   */
  timeout?: number;
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Redis did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Cache entries in Redis, shared by every instance of an app: values as JSON with an
 * expiry, tags as sets of keys. A failing or slow Redis makes calls reject after
 * `timeout`; `@cache` then answers uncached and logs.
 *
 * @example
 * const client = createClient({ url: process.env.REDIS_URL });
 * await client.connect();
 * const cache = new Cache(new RedisCacheStore(client));
 */
export class RedisCacheStore implements CacheStore, Dependency {
  private readonly prefix: string;
  private readonly timeout: number;
  private readonly readiness: RedisReadiness;

  constructor(
    private readonly client: RedisCacheClient,
    options: RedisCacheStoreOptions = {},
  ) {
    this.prefix = options.prefix ?? "aex:cache:";
    this.timeout = options.timeout ?? 500;
    this.readiness = new RedisReadiness([client]);
  }

  /** `connecting` until the client's first connection, then `up`, or `down` while Redis is away. */
  get connection(): DependencyState {
    return this.readiness.connection;
  }

  /** Resolves once the client's connection works (connecting it if nobody did). */
  ready(): Promise<void> {
    return this.readiness.ready();
  }

  async get(key: string): Promise<unknown> {
    const json = await withTimeout(this.client.get(this.prefix + key), this.timeout);
    return typeof json === "string" ? (JSON.parse(json) as unknown) : undefined;
  }

  async set(key: string, value: unknown, ttl: number, tags: readonly string[] = []): Promise<void> {
    const seconds = Math.max(1, Math.ceil(ttl));
    await withTimeout(this.client.set(this.prefix + key, JSON.stringify(value), { EX: seconds }), this.timeout);
    for (const tag of tags) {
      const set = `${this.prefix}tag:${tag}`;
      await withTimeout(this.client.sAdd(set, key), this.timeout);
      // A tag set lives as long as its longest entry could.
      await withTimeout(this.client.expire(set, seconds), this.timeout);
    }
  }

  async delete(key: string): Promise<void> {
    await withTimeout(this.client.del(this.prefix + key), this.timeout);
  }

  async invalidateTag(tag: string): Promise<void> {
    const set = `${this.prefix}tag:${tag}`;
    const keys = (await withTimeout(this.client.sMembers(set), this.timeout)) as string[];
    await withTimeout(this.client.del([set, ...keys.map((key) => this.prefix + key)]), this.timeout);
  }

  /** Closes the client; bounded even when Redis is gone (see {@link closeRedisClient}). */
  async close(): Promise<void> {
    await closeRedisClient(this.client);
  }
}
