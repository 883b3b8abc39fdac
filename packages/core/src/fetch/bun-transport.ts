import cluster from "node:cluster";
import type { TlsOptions } from "node:tls";
import { AexError } from "../errors/aex-error";
import type { TransportOptions } from "../http2/transport";
import { bunRuntime, type BunServerSetup } from "./bun-server";
import type { FetchUpgradeEntry } from "./fetch-upgrade";
import type { NativeWebSocketLimits } from "./native-websocket";

/** The TLS options `Bun.serve` takes as node does; any other makes the app serve with node:tls. */
const BUN_TLS = new Set(["key", "cert", "ca", "passphrase"]);

/** What decides the transport besides the options: what the app is made of. */
export interface AppNeeds {
  /** Something listens on the node server `aex.createServer()` made (a flood guard's connection cap). */
  readonly serverMade: boolean;
}

/** The transport `start()` uses: Bun's server, or node's with the reason it must be node's. */
export type TransportChoice = { readonly bun: true } | { readonly bun: false; readonly reason: string | null };

/**
 * Chooses the server of `aex.start()`. `Bun.serve` on Bun unless `transport: "node"` is asked
 * for or the app needs what only node's server does; node's everywhere else. On Bun, a reason
 * is given for each fallback (the app logs it); asking for `"bun"` where it cannot serve is
 * `AEX_ERR_START_OPTIONS`.
 */
export function chooseTransport(
  asked: "node" | "bun" | undefined,
  options: TransportOptions | undefined,
  needs: AppNeeds,
): TransportChoice {
  if (asked === "node") return { bun: false, reason: null };
  const onBun = bunRuntime() !== undefined;
  if (!onBun) {
    if (asked === "bun") throw new AexError("AEX_ERR_START_OPTIONS", 'transport "bun" needs the Bun runtime');
    return { bun: false, reason: null };
  }
  const tls = options?.tls;
  // The same check as node's transport (http2/transport.ts), whichever server takes the options.
  if (tls !== undefined && (typeof tls !== "object" || tls === null)) {
    throw new AexError("AEX_ERR_START_OPTIONS", "tls takes node's TLS options: { key, cert }");
  }
  if (tls !== undefined && tls.pfx === undefined && (tls.key === undefined || tls.cert === undefined)) {
    throw new AexError("AEX_ERR_START_OPTIONS", "tls needs a key and a cert (or a pfx)");
  }
  const reason = nodeOnly(options, needs);
  if (reason === null) return { bun: true };
  if (asked === "bun") throw new AexError("AEX_ERR_START_OPTIONS", `transport "bun" cannot serve this app: ${reason}`);
  return { bun: false, reason };
}

/** Why the app needs node's server, or null. */
function nodeOnly(options: TransportOptions | undefined, needs: AppNeeds): string | null {
  if (needs.serverMade) return "something listens on the node server aex.createServer() made (a flood guard's attach)";
  if (options?.http2 !== undefined && options.http2 !== false) return "http2 is node:http2's";
  if (cluster.isWorker) return "a cluster worker shares its primary's node:http listening socket";
  const tls = options?.tls;
  if (tls !== undefined && tls !== null) {
    const others = Object.keys(tls).filter((key) => !BUN_TLS.has(key));
    if (others.length > 0)
      return `the TLS options ${others.join(", ")} are node:tls's (Bun.serve takes key, cert, ca, passphrase)`;
  }
  return null;
}

/**
 * The seconds `Bun.serve` lets a connection stay silent: longer than Aex's own clocks (the
 * handler timeout, a stalled body, keep-alive), since Bun counts a request waiting for its
 * handler as silence too, and Aex's answer (503, 408) must come first. 0 (none) when the
 * handler timeout is off; Bun's bound is 255.
 */
export function idleSeconds(handlerTimeout: number, bodyIdleTimeout: number, keepAliveTimeout: number): number {
  if (handlerTimeout <= 0) return 0;
  const longest = Math.max(handlerTimeout, bodyIdleTimeout, keepAliveTimeout);
  return Math.min(255, Math.ceil(longest / 1000) + 1);
}

/** The setup of `Bun.serve` for `start(port, host, { tls })`, with the app's WebSocket side. */
export function bunSetup(
  port: number,
  host: string,
  idleTimeout: number,
  tls: TlsOptions | undefined,
  upgrades: FetchUpgradeEntry,
  websockets: NativeWebSocketLimits,
): BunServerSetup {
  if (tls === undefined) return { port, host, idleTimeout, upgrades, websockets };
  const { key, cert, ca, passphrase } = tls;
  return { port, host, idleTimeout, tls: { key, cert, ca, passphrase }, upgrades, websockets };
}
