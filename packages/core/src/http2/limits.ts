import type { SecureServerOptions } from "node:http2";
import { AexError } from "../errors/aex-error";

/**
 * Bounds of one HTTP/2 connection (`start({ http2: { … } })`). Node advertises and enforces
 * none of its own beyond memory: 4,294,967,295 concurrent streams, any header list size.
 */
export interface Http2Limits {
  /**
   * Streams one connection may have open at once (`SETTINGS_MAX_CONCURRENT_STREAMS`, as
   * nginx's and Go's 100). A client that opens more before it acknowledged the setting gets
   * `REFUSED_STREAM` for the extra ones; one that opens more after breaks the protocol and
   * its connection ends with GOAWAY. Default 100.
   */
  maxConcurrentStreams?: number;
  /**
   * Largest header list a request may send, in bytes counted as HTTP/2 does (name + value
   * + 32 per field; `SETTINGS_MAX_HEADER_LIST_SIZE`). Past it the stream is reset with
   * `ENHANCE_YOUR_CALM` (HTTP/1 answers 431). Default: `server.maxHeaderSize`, else 16 KiB,
   * HTTP/1's bound.
   */
  maxHeaderListSize?: number;
  /**
   * Megabytes one connection's HTTP/2 state may hold (node's `maxSessionMemory`: header
   * tables, queued frames); past it new streams are refused. Default 10, node's own.
   */
  maxSessionMemory?: number;
  /**
   * Streams a client may cancel (`RST_STREAM`) before they were answered within
   * `resetWindow` ms; past it the connection gets GOAWAY `ENHANCE_YOUR_CALM` and is closed
   * (the "rapid reset" attack, CVE-2023-44487). Default 200: twice the streams a browser
   * can have open and cancel at once.
   */
  maxResets?: number;
  /** The window `maxResets` counts in, in ms. Default 1000. */
  resetWindow?: number;
  /**
   * Milliseconds a connection without an open stream may stay silent before it gets
   * GOAWAY and is closed (node keeps it until the client leaves). Default 60 000, close to
   * nginx's 75 s for HTTP/2.
   */
  idleTimeout?: number;
}

/** {@link Http2Limits} with every default filled in. */
export type ResolvedHttp2Limits = Readonly<Required<Http2Limits>>;

/** The defaults of {@link Http2Limits}, but `maxHeaderListSize` (which follows `server.maxHeaderSize`). */
export const HTTP2_DEFAULTS = {
  maxConcurrentStreams: 100,
  maxSessionMemory: 10,
  maxResets: 200,
  resetWindow: 1000,
  idleTimeout: 60_000,
} as const;

/** HTTP/1's default `maxHeaderSize`, node's own (16 KiB). */
const HEADER_SIZE = 16 * 1024;

/**
 * `http2`'s value with the defaults filled in, checked: a bad value throws
 * `AEX_ERR_START_OPTIONS` naming it.
 *
 * @example
 * resolveHttp2Limits({ maxConcurrentStreams: 50 }, undefined).maxResets; // 200
 */
export function resolveHttp2Limits(given: true | Http2Limits, maxHeaderSize: number | undefined): ResolvedHttp2Limits {
  const limits = given === true ? {} : given;
  const resolved = {
    ...HTTP2_DEFAULTS,
    maxHeaderListSize: maxHeaderSize ?? HEADER_SIZE,
    ...Object.fromEntries(Object.entries(limits).filter(([, value]) => value !== undefined)),
  } as ResolvedHttp2Limits;
  for (const [name, value] of Object.entries(resolved)) {
    if (!(name in HTTP2_DEFAULTS) && name !== "maxHeaderListSize") {
      throw new AexError("AEX_ERR_START_OPTIONS", `http2 has no option ${name}`);
    }
    if (!Number.isInteger(value) || (value as number) < 1 || (value as number) > 2 ** 31 - 1) {
      throw new AexError("AEX_ERR_START_OPTIONS", `http2.${name} must be a positive integer, not ${String(value)}`);
    }
  }
  return resolved;
}

/** The options of node's HTTP/2 server constructors that carry `limits`. */
export function http2ServerOptions(limits: ResolvedHttp2Limits): SecureServerOptions {
  return {
    settings: { maxConcurrentStreams: limits.maxConcurrentStreams, maxHeaderListSize: limits.maxHeaderListSize },
    maxSessionMemory: limits.maxSessionMemory,
  };
}
