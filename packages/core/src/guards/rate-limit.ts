import { AexError } from "../errors/aex-error";
import { HttpError } from "../errors/http-error";
import type { AexRequest } from "../http/request";
import type { AexResponse } from "../http/response";
import { addDependency, isDependency } from "../ops/dependencies";
import { isPromise } from "../pipeline/is-promise";
import { decoratorStep, type DecoratorStep } from "../registry/decorator-step";
import type { Scope } from "../scope/scope";
import { addressKey, DEFAULT_IPV6_SUBNET, validSubnet } from "./address-key";
import { clientIp } from "./client-ip";
import { guardLog } from "./guard-log";
import { MemoryRateLimitStore } from "./memory-rate-limit-store";
import type { RateLimitAlgorithm, RateLimitHit, RateLimitStore } from "./rate-limit-store";

/** Whom a limit counts: the client's address, the authenticated user, or your own key. */
export type RateLimitBy =
  "ip" | "user" | ((req: AexRequest, scope: Scope) => string | undefined | Promise<string | undefined>);

/** Options of {@link rateLimit}. */
export interface RateLimitOptions {
  /** Requests allowed per window. */
  limit: number;
  /** Length of the window in milliseconds. */
  windowMs: number;
  /** `"fixed"` (default) or `"sliding"` (smooths the burst a window boundary allows). */
  algorithm?: RateLimitAlgorithm;
  /**
   * `"ip"` (default); `"user"`: `scope.user.sub` (set by `@auth` of `@aex/auth`), else the address; or a
   * function returning the key (`undefined`: the address).
   */
  by?: RateLimitBy;
  /** Where to count. Default: a {@link MemoryRateLimitStore} of this limit's own. */
  store?: RateLimitStore;
  /** The policy's name in the `RateLimit` headers and the keys. Default `"default"`. */
  name?: string;
  /**
   * When the store fails (Redis down): `true` (default) lets the request through, `false`
   * answers 503 `AEX_RATE_LIMIT_UNAVAILABLE` with `Retry-After: 1`. Either way the failure
   * is logged.
   */
  failOpen?: boolean;
  /**
   * Called with each store failure. Default: each goes to `DEBUG=aex:guard`, and stderr
   * says once when the store goes down and once when it is back.
   */
  onStoreError?: (error: unknown, req: AexRequest) => void;
  /** Requests for which this returns true are not counted. */
  skip?: (req: AexRequest, scope: Scope) => boolean;
  /**
   * IPv6 clients are counted by this prefix of their address, since one user holds a whole
   * prefix and can send each request from a new address in it; IPv4-mapped addresses count
   * as IPv4. Default 56 (as express-rate-limit's); 64 or 128 count finer, `false` counts
   * each address.
   */
  ipv6Subnet?: number | false;
}

/** The structured-field token the `RateLimit` headers allow as a policy name. */
const POLICY_NAME = /^[A-Za-z0-9_.:-]{1,64}$/;

function checkOptions(options: RateLimitOptions): void {
  const { limit, windowMs, name, algorithm, by } = options ?? ({} as RateLimitOptions);
  if (!Number.isInteger(limit) || limit < 1)
    throw new AexError("AEX_ERR_GUARD_OPTIONS", "rateLimit limit must be an integer ≥ 1");
  if (!Number.isFinite(windowMs) || windowMs < 1000) {
    throw new AexError("AEX_ERR_GUARD_OPTIONS", "rateLimit windowMs must be at least 1000");
  }
  if (name !== undefined && !POLICY_NAME.test(name))
    throw new AexError("AEX_ERR_GUARD_OPTIONS", `rateLimit name ${name}`);
  if (algorithm !== undefined && algorithm !== "fixed" && algorithm !== "sliding") {
    throw new AexError("AEX_ERR_GUARD_OPTIONS", `rateLimit algorithm ${String(algorithm)}`);
  }
  if (by !== undefined && by !== "ip" && by !== "user" && typeof by !== "function") {
    throw new AexError("AEX_ERR_GUARD_OPTIONS", `rateLimit by ${String(by)}`);
  }
  if (options.ipv6Subnet !== undefined && !validSubnet(options.ipv6Subnet)) {
    throw new AexError("AEX_ERR_GUARD_OPTIONS", "rateLimit ipv6Subnet must be an integer from 1 to 128, or false");
  }
}

/**
 * Limits how many requests a client makes per window. Every counted response carries the
 * IETF headers (draft-ietf-httpapi-ratelimit-headers): `RateLimit-Policy: "name";q=100;w=60`
 * and `RateLimit: "name";r=42;t=17`. Past the limit the answer is 429
 * `AEX_RATE_LIMITED` with `Retry-After`. Use it globally (`aex.use`), in a router, or as a
 * decorator on one route.
 *
 * @example
 * aex.use(rateLimit({ limit: 100, windowMs: 60_000 }));
 * class Auth {
 *   @post("/login")
 *   @rateLimit({ limit: 5, windowMs: 60_000, name: "login", algorithm: "sliding" })
 *   login(req, res) { res.end("ok"); }
 * }
 */
export function rateLimit(options: RateLimitOptions): DecoratorStep {
  checkOptions(options);
  const { limit, windowMs } = options;
  const algorithm = options.algorithm ?? "fixed";
  const name = options.name ?? "default";
  const by = options.by ?? "ip";
  const store = options.store ?? new MemoryRateLimitStore();
  const failOpen = options.failOpen ?? true;
  const subnet = options.ipv6Subnet ?? DEFAULT_IPV6_SUBNET;
  const policy = `"${name}";q=${limit};w=${Math.ceil(windowMs / 1000)}`;
  // Every failure goes to DEBUG=aex:guard; the moment the store goes down (and comes back)
  // is also written to stderr, once, so an outage is never silent yet never floods the log.
  let storeDown = false;
  const onStoreError =
    options.onStoreError ??
    ((error: unknown, req: AexRequest) => {
      guardLog("rate limit %s: store failed for %s %s: %O", name, req.method, req.url, error);
      if (storeDown) return;
      storeDown = true;
      console.error(
        `aex: rate limit "${name}": its store failed (${(error as Error)?.message ?? String(error)}); failing ${failOpen ? "open" : "closed"} until it answers again`,
      );
    });
  function storeBack(): void {
    if (!storeDown) return;
    storeDown = false;
    if (options.onStoreError === undefined) console.error(`aex: rate limit "${name}": its store answers again`);
  }

  const ipKey = (req: AexRequest) => `${name}:ip:${addressKey(clientIp(req), subnet)}`;
  const ownKey = (req: AexRequest, key: string | undefined) => (key === undefined ? ipKey(req) : `${name}:key:${key}`);
  /** The client's key: a promise only when a `by` function answers with one. */
  function keyOf(req: AexRequest, scope: Scope): string | Promise<string> {
    if (by === "ip") return ipKey(req);
    if (by === "user") {
      // The slot @aex/auth's @auth fills; core does not declare it.
      const sub = (scope as unknown as { readonly user?: { readonly sub?: unknown } }).user?.sub;
      return typeof sub === "string" ? `${name}:user:${sub}` : ipKey(req);
    }
    const key = by(req, scope);
    return isPromise(key)
      ? Promise.resolve(key).then((given) => ownKey(req, given))
      : ownKey(req, key as string | undefined);
  }

  /** The store failed (or `by` did): on with the request when failing open, else a 503. */
  function failed(error: unknown, req: AexRequest): undefined {
    onStoreError(error, req);
    if (failOpen) return undefined;
    // Retry-After as for the session store's 503: the store usually answers again soon.
    throw new HttpError(503, "Rate limiting is unavailable", {
      code: "AEX_RATE_LIMIT_UNAVAILABLE",
      headers: { "Retry-After": "1" },
      cause: error,
    });
  }

  /** The store counted the request: its headers, or the 429 past the limit. */
  function counted(hit: RateLimitHit, req: AexRequest, res: AexResponse): undefined {
    storeBack();
    const reset = Math.max(1, Math.ceil(hit.resetMs / 1000));
    const remaining = Math.max(0, Math.floor(limit - hit.count));
    res.setHeader("RateLimit-Policy", policy);
    res.setHeader("RateLimit", `"${name}";r=${remaining};t=${reset}`);
    if (hit.count <= limit) return undefined;
    guardLog("rate limit %s: %s %s refused (%d > %d)", name, req.method, req.url, hit.count, limit);
    throw new HttpError(429, "Too many requests", {
      code: "AEX_RATE_LIMITED",
      headers: { "Retry-After": String(reset) },
    });
  }

  // Synchronous while the key and the store are (the memory store): a global limit must not
  // make every line asynchronous. A failure of `by` or of the store is the store's failure.
  const step = (req: AexRequest, res: AexResponse, scope: Scope): undefined | Promise<undefined> => {
    if (options.skip?.(req, scope)) return undefined;
    let hit: RateLimitHit | Promise<RateLimitHit>;
    try {
      const key = keyOf(req, scope);
      hit = isPromise(key)
        ? Promise.resolve(key).then((given) => store.hit(given, windowMs, algorithm))
        : store.hit(key, windowMs, algorithm);
    } catch (error) {
      return failed(error, req);
    }
    if (!isPromise(hit)) return counted(hit, req, res);
    return Promise.resolve(hit).then(
      (given) => counted(given, req, res),
      (error: unknown) => failed(error, req),
    );
  };
  return decoratorStep(
    `rateLimit(${name})`,
    {
      build(app) {
        // A Redis store: aex.start() waits for its first connection, readiness reports it.
        if (app !== undefined && isDependency(store)) addDependency(app, "rate-limit store", store);
        return step;
      },
    },
    { responses: { "429": "Too many requests: `Retry-After` and `RateLimit` say when to come back" } },
  );
}
