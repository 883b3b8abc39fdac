import type { ServerOptions } from "node:http";
import { DEFAULT_MAX_PARAM_LENGTH } from "../router/route-params";
import { normalizePath } from "../router/route-path";
import type { LoggerOption } from "../ops/logger";
import { resolveBodyLimits, type BodyLimits } from "../parsers/body-limits";
import { resolveSecurityHeaders, type SecurityHeaders, type SecurityHeadersOptions } from "../security/headers";
import { compileTrust, type TrustFunction, type TrustProxy } from "../security/trust-proxy";

/** Options of an {@link Aex} app. */
export interface AexOptions {
  /**
   * Milliseconds a request may go unanswered before Aex answers 503 for it (a handler
   * that never calls `res.end`). `0` turns the guard off. Default 30 000.
   */
  handlerTimeout?: number;
  /** Longest `:param` value accepted, in characters (longer: 414). Default 500. */
  maxParamLength?: number;
  /**
   * A path before every route of the app's controllers and routers (`"/api"`): `@get("/notes")`
   * answers `/api/notes`. Steps given to `aex.use` that answer a path of their own (health,
   * metrics) keep theirs. Default none.
   */
  basePath?: string;
  /** Milliseconds `close()` waits for in-flight requests before cutting them. Default 10 000. */
  closeTimeout?: number;
  /**
   * Milliseconds `close()` keeps serving, with readiness already answering 503, before it
   * stops accepting: the time a load balancer's health check needs to take this instance
   * out (its check interval × failures to mark it down, plus a margin). Default 0.
   */
  closeDelay?: number;
  /**
   * Options for node's `http.createServer`: `maxHeaderSize` (431 past it),
   * `headersTimeout` and `requestTimeout` (408 past them), `keepAliveTimeout`…
   */
  server?: Omit<ServerOptions, "IncomingMessage" | "ServerResponse">;
  /**
   * What a request gets when its path has routes, but none for its method: `true`
   * (default) answers 405 `AEX_METHOD_NOT_ALLOWED` with an `Allow` header listing the
   * path's methods (HEAD beside GET, and OPTIONS), `OPTIONS` with 204 and `Allow`, and a
   * plain GET to a WebSocket path 426 `AEX_UPGRADE_REQUIRED`. `false` answers each with
   * the 404 of an unknown path (or your `setNotFoundHandler`), as Aex did before.
   */
  methodNotAllowed?: boolean;

  // --- Operations: errors, logging, request ids, signals (docs/operations.md) ---
  /**
   * Development mode: error responses carry the message and stack of 5xx errors, every
   * request is logged, logs are pretty when `pino-pretty` is installed. Default: true only
   * when `NODE_ENV` is `development`. Nothing internal reaches a response unless this is on.
   */
  dev?: boolean;
  /**
   * Accepted for compatibility: `production: true` forces `dev` off even under
   * `NODE_ENV=development`. `production: false` no longer shows stacks; use `dev: true`.
   */
  production?: boolean;
  /**
   * The app's logger: `true` (default) for pino with Aex's defaults, pino options, your
   * own pino instance, or `false` for none.
   */
  logger?: LoggerOption;
  /** The log level (`trace`…`fatal`, `silent`). Default: `LOG_LEVEL`, else `info`. */
  logLevel?: string;
  /** One `info` line per request (method, route, status, duration, id, bytes). Default: `dev`. */
  logRequests?: boolean;
  /**
   * Whether `res.json`/`res.ok` bodies are checked against the route's `@returns(status,
   * schema)` (a mismatch answers 500 `AEX_RESPONSE_INVALID`). Core checks nothing itself:
   * this is the switch `@aex/openapi`'s `@returns` reads. Default: `dev` when given, else on
   * unless `NODE_ENV` is `production` (or `production: true`): tests and development check,
   * production does not (docs/validation.md).
   */
  validateResponses?: boolean;
  /**
   * The status of a request that fails validation (`@body(schema)`, `@query(schema)`,
   * `@params(schema)`, `@filter`): 400 (default) or another 4xx, such as 422 (Unprocessable
   * Content, as RealWorld's API answers). A check's own `validationStatus` option wins; the
   * OpenAPI document lists the status each route answers with (docs/validation.md).
   */
  validationStatus?: number;
  /**
   * Request ids: take the client's `X-Request-Id` when `trust` is true (it is checked:
   * 1-128 characters of `A-Z a-z 0-9 - _ . : / + = @`), otherwise generate one. `header`
   * names the header read and echoed (default `x-request-id`); `echo: false` stops
   * echoing it in responses.
   */
  requestId?: {
    /** Take the client's id (checked) instead of generating one. Default false. */
    trust?: boolean;
    /** The header read and echoed. Default `x-request-id`. */
    header?: string;
    /** Echo the id in every response. Default true. */
    echo?: boolean;
  };
  /**
   * Whether `start()` handles SIGTERM and SIGINT with a graceful shutdown (stop
   * accepting, drain, run `onClose` hooks, exit). Default true.
   */
  handleSignals?: boolean;
  /**
   * Milliseconds a signal-triggered shutdown may take before the process exits anyway.
   * Default `closeDelay` + `closeTimeout` + 5 000.
   */
  shutdownTimeout?: number;
  // --- Secure defaults (docs/security.md) ---
  /** Body limits every parser applies: JSON depth, body timeouts, linger-close bounds. */
  limits?: Partial<BodyLimits>;
  /** Security headers on every response (Helmet-level defaults); `false` sends none. */
  securityHeaders?: SecurityHeadersOptions | false;
  /**
   * Which peers may set `X-Forwarded-*`/`Forwarded` (`req.ip`, `req.protocol`,
   * `req.hostname`): `true`, a hop count, addresses/CIDRs/`"loopback"`… as in Express.
   * Default: trust nothing.
   */
  trustProxy?: TrustProxy;
  // --- end of secure defaults ---
}

/** The options with every default filled in. */
export interface ResolvedOptions {
  readonly handlerTimeout: number;
  readonly maxParamLength: number;
  readonly basePath: string;
  readonly closeTimeout: number;
  readonly closeDelay: number;
  readonly server: Omit<ServerOptions, "IncomingMessage" | "ServerResponse">;
  readonly methodNotAllowed: boolean;
  readonly dev: boolean;
  readonly logger: LoggerOption;
  readonly logLevel: string;
  readonly logRequests: boolean;
  readonly validateResponses: boolean;
  readonly validationStatus: number;
  readonly requestId: { readonly trust: boolean; readonly header: string; readonly echo: boolean };
  readonly handleSignals: boolean;
  readonly shutdownTimeout: number;
  // --- Secure defaults ---
  readonly limits: BodyLimits;
  readonly securityHeaders: SecurityHeaders | null;
  readonly trust: TrustFunction | null;
  // --- end of secure defaults ---
}

/**
 * Node server defaults (RFC 9110 §15.5.9 408): headers within 20 s, the whole request
 * within 60 s; node checks both every `connectionsCheckingInterval`.
 */
function serverOptions(given: AexOptions["server"] = {}): ResolvedOptions["server"] {
  const headersTimeout = given.headersTimeout ?? 20_000;
  const requestTimeout = given.requestTimeout ?? 60_000;
  const shortest = Math.min(headersTimeout || Infinity, requestTimeout || Infinity);
  return {
    connectionsCheckingInterval: Math.max(25, Math.min(5_000, Math.floor(shortest / 4))),
    ...given,
    headersTimeout,
    requestTimeout,
  };
}

/** `LOG_LEVEL` when it names a pino level (a stray value must not stop the app from starting). */
function levelFromEnv(): string | undefined {
  const level = process.env.LOG_LEVEL?.trim().toLowerCase();
  return level !== undefined && ["trace", "debug", "info", "warn", "error", "fatal", "silent"].includes(level)
    ? level
    : undefined;
}

/** Fills in every default of `options` (checked before by validate-options.ts). */
export function resolveOptions(options: AexOptions = {}): ResolvedOptions {
  const closeTimeout = options.closeTimeout ?? 10_000;
  const closeDelay = options.closeDelay ?? 0;
  const dev = options.dev ?? (options.production !== true && process.env.NODE_ENV === "development");
  return {
    handlerTimeout: options.handlerTimeout ?? 30_000,
    maxParamLength: options.maxParamLength ?? DEFAULT_MAX_PARAM_LENGTH,
    basePath: options.basePath === undefined || options.basePath === "/" ? "" : normalizePath(options.basePath),
    closeTimeout,
    closeDelay,
    server: serverOptions(options.server),
    methodNotAllowed: options.methodNotAllowed ?? true,
    dev,
    logger: options.logger ?? true,
    logLevel: options.logLevel ?? levelFromEnv() ?? "info",
    logRequests: options.logRequests ?? dev,
    validateResponses:
      options.validateResponses ??
      options.dev ??
      (options.production !== true && process.env.NODE_ENV !== "production"),
    validationStatus: options.validationStatus ?? 400,
    requestId: {
      trust: options.requestId?.trust ?? false,
      header: (options.requestId?.header ?? "x-request-id").toLowerCase(),
      echo: options.requestId?.echo ?? true,
    },
    handleSignals: options.handleSignals ?? true,
    shutdownTimeout: options.shutdownTimeout ?? closeDelay + closeTimeout + 5_000,
    limits: resolveBodyLimits(options.limits),
    securityHeaders: options.securityHeaders === false ? null : resolveSecurityHeaders(options.securityHeaders),
    trust: compileTrust(options.trustProxy),
  };
}
