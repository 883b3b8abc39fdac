import type { ServerOptions } from "node:http";
import { DEFAULT_MAX_PARAM_LENGTH } from "../router/route-params";

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
}

/** The options with every default filled in. */
export interface ResolvedOptions {
  readonly handlerTimeout: number;
  readonly maxParamLength: number;
  readonly production: boolean;
  readonly closeTimeout: number;
  readonly server: Omit<ServerOptions, "IncomingMessage" | "ServerResponse">;
}

export function resolveOptions(options: AexOptions = {}): ResolvedOptions {
  return {
    handlerTimeout: options.handlerTimeout ?? 30_000,
    maxParamLength: options.maxParamLength ?? DEFAULT_MAX_PARAM_LENGTH,
    production: options.production ?? process.env.NODE_ENV === "production",
    closeTimeout: options.closeTimeout ?? 10_000,
    server: options.server ?? {},
  };
}
