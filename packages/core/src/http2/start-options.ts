import { availableParallelism } from "node:os";
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
  /**
   * Serve from a cluster of worker processes on this machine: `true` for a worker per core,
   * or a number of workers. The primary forks the workers (each runs the same script, so
   * its `start()` listens) and keeps them running with `runCluster`'s rules (docs/cluster.md).
   */
  cluster?: boolean | number;
  /**
   * Which server answers: `"bun"`, Bun's own `Bun.serve` (the default on Bun), or `"node"`,
   * `node:http` (the default on Node.js; on Bun, its emulation of it). On Bun, an app that
   * needs what only `node:http` has (WebSocket upgrades, `http2`, node-only TLS options, a
   * cluster worker, a server made by `aex.createServer()`) is served by `node:http`, and the
   * log says why (docs/runtimes.md).
   */
  transport?: "node" | "bun";
}

/** `start()` options that make a cluster: in the primary, `start()` resolves to `null`. */
export interface ClusterStartOptions extends StartOptions {
  cluster: true | number;
}

/** `start()`'s arguments, whichever of its forms was used. */
export interface StartArguments {
  readonly port: number;
  readonly host: string;
  readonly prepare: boolean;
  readonly transport: TransportOptions | undefined;
  /** Workers to fork when this process is a cluster's primary; `null` for no cluster. */
  readonly workers: number | null;
  /** The server asked for (`transport`), or undefined: the runtime's own. */
  readonly serveWith: "node" | "bun" | undefined;
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
  const { tls, http2, cluster } = options;
  const workers =
    cluster === true ? availableParallelism() : cluster === false || cluster === undefined ? null : cluster;
  if (workers !== null && (!Number.isInteger(workers) || workers < 1)) {
    throw new AexError(
      "AEX_ERR_START_OPTIONS",
      `cluster must be true or a number of workers (1 or more), not ${String(cluster)}`,
    );
  }
  const serveWith = options.transport;
  if (serveWith !== undefined && serveWith !== "node" && serveWith !== "bun") {
    throw new AexError("AEX_ERR_START_OPTIONS", `transport must be "node" or "bun", not ${String(serveWith)}`);
  }
  return {
    serveWith,
    workers,
    port,
    host,
    prepare: c ?? options.prepare ?? false,
    transport: tls === undefined && http2 === undefined ? undefined : { tls, http2 },
  };
}
