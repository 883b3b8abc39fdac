import { HttpError } from "@aex/core";
import { closeRedisClient, RedisReadiness, type Dependency, type DependencyState } from "@aex/core/plugin";
import debug from "debug";
import { createClient, type RedisClientOptions } from "redis";
import type { SessionData, Store } from "./store";

const log = debug("aex:session:redis");

/** The commands RedisStore uses: any node-redis client (or cluster) has them. */
export interface RedisLike {
  /** Whether the client is connected (the store connects it on first use otherwise). */
  isOpen: boolean;
  /** Connects the client. */
  connect(): Promise<unknown>;
  /** `GET key`. */
  get(key: string): Promise<string | null | unknown>;
  /** `SET key value EX seconds`. */
  set(key: string, value: string, options: { EX: number }): Promise<unknown>;
  /** `DEL key`. */
  del(key: string): Promise<unknown>;
  /** `EXPIRE key seconds`. */
  expire(key: string, seconds: number): Promise<unknown>;
  /**
   * Listens for connection errors (the store logs them instead of crashing) and for `ready`
   * (the connection works: the store's first requests wait for it).
   */
  on(event: "error", listener: (error: Error) => void): unknown;
  /** Listens for `ready`: the connection works (the first time, and after each outage). */
  on(event: "ready", listener: () => void): unknown;
  /** Closes the connection (node-redis 4). */
  quit?(): Promise<unknown>;
  /** Closes the connection (node-redis 5). */
  close?(): Promise<unknown>;
  /** Whether the connection works; a client that is not ready is destroyed on close. */
  isReady?: boolean;
  /** `PING`, sent on close to learn whether Redis still answers. */
  ping?(): Promise<unknown>;
  /** Closes at once (node-redis 5), when Redis does not answer. */
  destroy?(): void;
}

/** Options of a {@link RedisStore}. */
export interface RedisStoreOptions {
  /** Key prefix. Default `"aex:sess:"`. */
  prefix?: string;
  /** Default lifetime in seconds. Default 86 400. */
  ttl?: number;
  /** Milliseconds a command may take before the request gets a 503. Default 2 000. */
  timeout?: number;
  /**
   * Milliseconds the first connection may take: `aex.start()` waits that long for it before
   * failing with `AEX_ERR_DEPENDENCY_UNAVAILABLE`, and requests made before it (without
   * `start()`) wait for it that long instead of `timeout`. Default 10 000.
   */
  connectTimeout?: number;
}

function isClient(value: unknown): value is RedisLike {
  return (
    typeof value === "object" && value !== null && typeof (value as RedisLike).get === "function" && "isOpen" in value
  );
}

/**
 * Sessions in Redis, on the `redis` package, so every process and machine of an app sees
 * the same sessions. Values are JSON with an `EX` expiry. A fresh store connects on its
 * first use, and what is asked meanwhile waits for that connection (`aex.start()` waits for
 * it before listening: an app that uses the store is a {@link Dependency} of it). Once it
 * was connected, while Redis is unreachable, requests that need a session get a 503
 * (`AEX_SESSION_STORE_UNAVAILABLE`) at once instead of hanging; the client reconnects by
 * itself. Make one store and share it.
 *
 * @example
 * const store = new RedisStore({ url: process.env.REDIS_URL });
 * class Profile {
 *   @get("/profile")
 *   @session(store)
 *   profile(req, res, scope) { res.json(scope.session.user ?? null); }
 * }
 */
export class RedisStore implements Store, Dependency {
  /** The Redis client the store talks through. */
  readonly client: RedisLike;
  private readonly prefix: string;
  private readonly ttl: number;
  private readonly timeout: number;
  private readonly connectTimeout: number;
  private readonly owned: boolean;
  /** The first connection: commands wait for it; after it, they fail fast during an outage. */
  private readonly readiness: RedisReadiness;

  /** Takes a connected or unconnected client, or `createClient` options. */
  constructor(clientOrOptions: RedisLike | RedisClientOptions = {}, options: RedisStoreOptions = {}) {
    this.prefix = options.prefix ?? "aex:sess:";
    this.ttl = options.ttl ?? 86_400;
    this.timeout = options.timeout ?? 2_000;
    this.connectTimeout = options.connectTimeout ?? 10_000;
    this.owned = !isClient(clientOrOptions);
    this.client = isClient(clientOrOptions)
      ? clientOrOptions
      : (createClient({
          ...clientOrOptions,
          // Fail fast while disconnected instead of queueing requests behind the outage.
          disableOfflineQueue: true,
          socket: {
            reconnectStrategy: (retries: number) => Math.min(50 * 2 ** retries, 2_000),
            ...clientOrOptions.socket,
          },
        } as RedisClientOptions) as unknown as RedisLike);
    // Without a listener, a connection error would be thrown and kill the process.
    this.client.on("error", (error) => log("redis error: %s", error.message));
    this.readiness = new RedisReadiness([this.client]);
  }

  /** Milliseconds `aex.start()` waits for the first connection (`connectTimeout`). */
  get startTimeout(): number {
    return this.connectTimeout;
  }

  /** `connecting` until the first connection works, then `up`, or `down` while Redis is away. */
  get connection(): DependencyState {
    return this.readiness.connection;
  }

  /**
   * Connects (if nobody did) and resolves once the connection works, which node-redis's
   * `connect()` does not promise: it resolves as soon as the socket is open, and keeps
   * retrying without rejecting while Redis is unreachable.
   */
  ready(): Promise<void> {
    return this.readiness.ready();
  }

  async get(id: string): Promise<SessionData | undefined> {
    const json = await this.run((client) => client.get(this.prefix + id));
    if (typeof json !== "string") return undefined;
    try {
      return JSON.parse(json) as SessionData;
    } catch {
      return undefined;
    }
  }

  async set(id: string, value: SessionData, ttl = this.ttl): Promise<void> {
    await this.run((client) => client.set(this.prefix + id, JSON.stringify(value), { EX: ttl }));
  }

  async destroy(id: string): Promise<void> {
    await this.run((client) => client.del(this.prefix + id));
  }

  async touch(id: string, ttl = this.ttl): Promise<void> {
    await this.run((client) => client.expire(this.prefix + id, ttl));
  }

  /** Closes the connection if this store opened it. */
  async close(): Promise<void> {
    if (!this.owned || !this.client.isOpen) return;
    await closeRedisClient(this.client);
  }

  /**
   * Runs a command within `timeout` (the first ones within `connectTimeout`, as they wait for
   * the first connection); any failure is a 503.
   */
  private async run<T>(command: (client: RedisLike) => Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const connected = this.readiness.connected;
    const ms = connected ? this.timeout : this.connectTimeout;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    });
    try {
      const sent = connected ? command(this.client) : this.ready().then(() => command(this.client));
      return await Promise.race([sent, deadline]);
    } catch (cause) {
      log("session store unavailable: %s", (cause as Error).message);
      throw new HttpError(503, "The session store is unavailable", {
        code: "AEX_SESSION_STORE_UNAVAILABLE",
        expose: true,
        headers: { "Retry-After": "1" },
        cause,
      });
    } finally {
      clearTimeout(timer);
    }
  }
}
