import type { ServerOptions } from "node:http";
import { DEFAULT_MAX_PARAM_LENGTH } from "../router/route-params";
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
   * Hide the messages and stacks of 5xx errors from clients. Default: true when
   * `NODE_ENV` is `production`.
   */
  production?: boolean;
  /** Milliseconds `close()` waits for in-flight requests before cutting them. Default 10 000. */
  closeTimeout?: number;
  /**
   * Options for node's `http.createServer`: `maxHeaderSize` (431 past it),
   * `headersTimeout` and `requestTimeout` (408 past them), `keepAliveTimeout`…
   */
  server?: Omit<ServerOptions, "IncomingMessage" | "ServerResponse">;
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
  readonly production: boolean;
  readonly closeTimeout: number;
  readonly server: Omit<ServerOptions, "IncomingMessage" | "ServerResponse">;
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

export function resolveOptions(options: AexOptions = {}): ResolvedOptions {
  return {
    handlerTimeout: options.handlerTimeout ?? 30_000,
    maxParamLength: options.maxParamLength ?? DEFAULT_MAX_PARAM_LENGTH,
    production: options.production ?? process.env.NODE_ENV === "production",
    closeTimeout: options.closeTimeout ?? 10_000,
    server: serverOptions(options.server),
    limits: resolveBodyLimits(options.limits),
    securityHeaders: options.securityHeaders === false ? null : resolveSecurityHeaders(options.securityHeaders),
    trust: compileTrust(options.trustProxy),
  };
}
