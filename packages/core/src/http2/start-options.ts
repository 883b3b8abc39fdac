import { AexError } from "../errors/aex-error";
import type { TransportOptions } from "./transport";

/** Options of `aex.start(port, options)` / `aex.start(options)`. */
export interface StartOptions extends TransportOptions {
  /** The port; 0 picks a free one. Default 3000. */
  port?: number;
  /** The address to listen on. Default `localhost`; `0.0.0.0` in a container. */
  host?: string;
  /** Run `prepare()` again first (it runs anyway if it never ran). */
  prepare?: boolean;
}

/** `start()`'s arguments, whichever of its forms was used. */
export interface StartArguments {
  readonly port: number;
  readonly host: string;
  readonly prepare: boolean;
  readonly transport: TransportOptions | undefined;
}

/**
 * Reads `start(port, ip, prepare)`, `start(port, options)` and `start(options)` alike.
 *
 * @example
 * startArguments(443, { tls: { key, cert }, http2: true });
 */
export function startArguments(
  a: number | StartOptions | undefined,
  b: string | StartOptions | undefined,
  c: boolean | undefined,
): StartArguments {
  const options: StartOptions =
    typeof a === "object" && a !== null ? a : typeof b === "object" && b !== null ? { ...b, port: a } : {};
  const port = typeof a === "number" ? a : (options.port ?? 3000);
  const host = typeof b === "string" ? b : (options.host ?? "localhost");
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new AexError("AEX_ERR_START_OPTIONS", `port must be an integer from 0 to 65535, not ${String(port)}`);
  }
  const { tls, http2 } = options;
  return {
    port,
    host,
    prepare: c ?? options.prepare ?? false,
    transport: tls === undefined && http2 === undefined ? undefined : { tls, http2 },
  };
}
