import { createHash } from "node:crypto";
import { RedisReadiness } from "../helpers/redis-readiness";
import type { Dependency, DependencyState } from "../ops/dependencies";
import { slidingCount, type RateLimitAlgorithm, type RateLimitHit, type RateLimitStore } from "./rate-limit-store";

/**
 * The part of a node-redis v5 client this store uses: `createClient()` from `redis`
 * satisfies it, so `@aex/core` does not depend on the `redis` package.
 */
export interface RedisCommandClient {
  /** Sends one raw command (`["EVALSHA", …]`) and resolves to its reply. */
  sendCommand(args: string[]): Promise<unknown>;
  /** Whether the connection works (node-redis); readiness reports it. */
  readonly isReady?: boolean;
  /** Whether the client was asked to connect (node-redis). */
  readonly isOpen?: boolean;
  /** Connects the client, if nobody did (the store does it for `aex.start()`). */
  connect?(): Promise<unknown>;
  /** node-redis's `ready` event: the connection works. */
  on?(event: "ready", listener: () => void): unknown;
}

/** Options of {@link RedisRateLimitStore}. */
export interface RedisRateLimitStoreOptions {
  /** Prefix of every key. Default `"aex:rl:"`. */
  prefix?: string;
  /**
   * Milliseconds to wait for Redis before treating it as down (a node-redis client queues
   * commands while it reconnects). Default 500.
   */
  timeoutMs?: number;
}

/*
 * One atomic script per hit. A key's windows start at its first hit (KEYS[1]:a holds that
 * start until two windows pass without a hit); the script counts this request in the
 * current window, lets the window's counter expire after the next one, and reads the
 * previous window for the sliding estimate. The clock is Redis's own (TIME), so every
 * instance agrees on the windows.
 */
const SCRIPT = `
local window = tonumber(ARGV[1])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local anchor = tonumber(redis.call('GET', KEYS[1] .. ':a') or '')
if anchor == nil or now >= anchor + 2 * window or now < anchor then anchor = now end
local start = anchor + math.floor((now - anchor) / window) * window
redis.call('SET', KEYS[1] .. ':a', start, 'PX', start + 2 * window - now)
local current = redis.call('INCR', KEYS[1] .. ':' .. start)
if current == 1 then redis.call('PEXPIRE', KEYS[1] .. ':' .. start, window * 2) end
local previous = 0
if ARGV[2] == 'sliding' then
  previous = tonumber(redis.call('GET', KEYS[1] .. ':' .. (start - window)) or '0')
end
return { current, previous, now - start }
`;
const SHA = createHash("sha1").update(SCRIPT).digest("hex");

/**
 * A rate-limit store in Redis, for many instances sharing one limit. Give it a node-redis
 * v5 client you created; each hit is one atomic Lua script (`EVALSHA`, loaded with `EVAL`
 * the first time). An app that uses it waits in `aex.start()` for the client's first
 * connection (the store connects it if nobody did) and reports it in readiness. When Redis
 * is down or slow, `hit` throws and the limit fails open or closed as you chose.
 *
 * @example
 * import { createClient } from "redis";
 * const client = createClient({ url: process.env.REDIS_URL });
 * client.on("error", (error) => console.error(error));
 * await client.connect();
 * aex.use(rateLimit({ limit: 100, windowMs: 60_000, store: new RedisRateLimitStore(client) }));
 */
export class RedisRateLimitStore implements RateLimitStore, Dependency {
  private readonly prefix: string;
  private readonly timeoutMs: number;
  private readonly readiness: RedisReadiness;

  constructor(
    private readonly client: RedisCommandClient,
    options: RedisRateLimitStoreOptions = {},
  ) {
    this.prefix = options.prefix ?? "aex:rl:";
    this.timeoutMs = options.timeoutMs ?? 500;
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

  async hit(key: string, windowMs: number, algorithm: RateLimitAlgorithm): Promise<RateLimitHit> {
    const args = [this.prefix + key, String(Math.max(1, Math.round(windowMs))), algorithm];
    const reply = await this.withTimeout(this.run(args));
    if (!Array.isArray(reply) || reply.length !== 3) throw new Error("unexpected reply from the rate-limit script");
    const [current, previous, elapsed] = reply.map(Number) as [number, number, number];
    const count = algorithm === "fixed" ? current : slidingCount(current, previous, elapsed, windowMs);
    return { count, resetMs: windowMs - elapsed };
  }

  private async run(args: string[]): Promise<unknown> {
    try {
      return await this.client.sendCommand(["EVALSHA", SHA, "1", ...args]);
    } catch (error) {
      if (!String((error as Error | undefined)?.message).startsWith("NOSCRIPT")) throw error;
      return this.client.sendCommand(["EVAL", SCRIPT, "1", ...args]);
    }
  }

  private withTimeout<T>(command: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`Redis did not answer within ${this.timeoutMs} ms`)), this.timeoutMs);
    });
    return Promise.race([command, late]).finally(() => clearTimeout(timer));
  }
}
