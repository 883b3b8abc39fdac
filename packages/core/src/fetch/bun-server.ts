import { EventEmitter } from "node:events";
import type { AddressInfo } from "node:net";
import type { FetchEntry } from "./fetch-entry";
import type { FetchUpgradeEntry } from "./fetch-upgrade";
import { bunWebSocketHandlers, type NativeWebSocketLimits } from "./native-websocket";

/** The part of Bun's `Server` (the value of `Bun.serve`) the transport uses. */
export interface BunNativeServer {
  readonly port: number;
  readonly hostname: string;
  readonly address?: { address: string; family: string; port: number };
  readonly pendingRequests: number;
  requestIP(request: Request): { address: string; family: string; port: number } | null;
  timeout(request: Request, seconds: number): void;
  /** Upgrades `request` to a WebSocket whose handlers see `data`; false when it is no valid handshake. */
  upgrade(request: Request, options: { data: unknown; headers: [string, string][] }): boolean;
  /** Replaces the handlers (`fetch`, `websocket`) of the running server. */
  reload(options: Pick<BunServeOptions, "fetch" | "error" | "websocket">): void;
  stop(closeActiveConnections?: boolean): Promise<void> | void;
}

/** `Bun.serve`'s options, as far as the transport sets them. */
interface BunServeOptions {
  port: number;
  hostname: string;
  idleTimeout: number;
  maxRequestBodySize: number;
  development: boolean;
  reusePort: boolean;
  tls?: { key?: unknown; cert?: unknown; ca?: unknown; passphrase?: string };
  fetch(request: Request, server: BunNativeServer): Response | undefined | Promise<Response | undefined>;
  error(error: Error): Response;
  websocket: object;
}

/** The `Bun` global, when the process runs on Bun. */
export function bunRuntime(): { serve(options: BunServeOptions): BunNativeServer } | undefined {
  return (globalThis as { Bun?: { serve(options: BunServeOptions): BunNativeServer } }).Bun;
}

/** Where a server Aex made keeps its app (app/aex.ts `Aex.of`). */
export interface BunServerSetup {
  readonly port: number;
  readonly host: string;
  /** Seconds a connection may stay silent (Bun's `idleTimeout`, at most 255). */
  readonly idleTimeout: number;
  readonly tls?: BunServeOptions["tls"];
  /** Serves the app's upgrade requests (WebSockets). */
  readonly upgrades: FetchUpgradeEntry;
  /** The largest WebSocket message the app's servers accept. */
  readonly websockets: NativeWebSocketLimits;
}

/**
 * What `aex.start()` resolves to, and `aex.server` is, when the app serves on Bun's own
 * server (`Bun.serve`): the small part of a node server that means the same there
 * (`listening`, `address()`, `close()`, a `close` event) and the Bun server itself (`bun`).
 * It is not a node server: there are no sockets to see (`connection` events, `getConnections`)
 * and no node timeouts (`headersTimeout`); `Bun.serve` keeps its connections itself.
 *
 * @example
 * const server = await aex.start(0, "127.0.0.1");
 * if (server instanceof AexBunServer) console.log(server.bun.pendingRequests);
 */
export class AexBunServer extends EventEmitter {
  /** Whether it accepts connections. */
  listening = false;
  /** Bun's own server. */
  readonly bun: BunNativeServer;
  /** @internal Whether the app serves upgrades (`@ws` routes, a WebSocket server): only then is `Upgrade` looked at. */
  acceptsUpgrades = false;
  private stopped: Promise<void> | null = null;

  /** Starts `Bun.serve` on the setup's port and host, answering with `entry`. */
  constructor(entry: FetchEntry, setup: BunServerSetup) {
    super();
    const runtime = bunRuntime();
    if (runtime === undefined) throw new Error("Bun.serve needs the Bun runtime");
    // An event stream or another long answer must not be cut by the idle timeout.
    const keepOpen = (request: Request) => this.bun.timeout(request, 0);
    const { upgrades, websockets } = setup;
    // The peer's address is asked of Bun when something reads it (`req.ip`), not per request.
    // A request that asks to upgrade walks the app's upgrade line (WebSockets, fetch-upgrade.ts).
    const fetch = (request: Request, server: BunNativeServer) =>
      !this.acceptsUpgrades || request.headers.get("upgrade") === null
        ? entry.serve(request, undefined, keepOpen, server)
        : upgrades.serve(request, server, keepOpen);
    // aex.fetch answers every failure itself; this is what Bun sends if that ever fails.
    const error = () => new Response(null, { status: 500 });
    this.bun = runtime.serve({
      port: setup.port,
      hostname: setup.host,
      idleTimeout: setup.idleTimeout,
      // Aex's own limits (`@body({ limit })`, `@formdata`) decide, as on node, which has none.
      maxRequestBodySize: Number.MAX_SAFE_INTEGER,
      development: false,
      // Without it, Bun.serve in production shares a port another server holds (SO_REUSEPORT)
      // instead of failing with EADDRINUSE as node does.
      reusePort: false,
      ...(setup.tls === undefined ? {} : { tls: setup.tls }),
      fetch,
      error,
      websocket: bunWebSocketHandlers(websockets.maxPayload),
    });
    // A WebSocket server made after start() may accept larger messages than those before it.
    websockets.onChange = () =>
      this.bun.reload({ fetch, error, websocket: bunWebSocketHandlers(websockets.maxPayload) });
    this.listening = true;
  }

  /** The address it listens on, as node's `server.address()` gives it. */
  address(): AddressInfo | null {
    if (!this.listening) return null;
    const given = this.bun.address;
    if (given !== undefined) return { address: given.address, family: given.family, port: given.port };
    return { address: this.bun.hostname, family: "IPv4", port: this.bun.port };
  }

  /** Requests in flight (Bun counts them; it does not show connections). */
  get pendingRequests(): number {
    return this.bun.pendingRequests;
  }

  /**
   * Stops accepting and calls back once the requests in flight are answered (idle
   * keep-alive connections close with it), as node's `server.close` does.
   */
  close(callback?: (error?: Error) => void): this {
    this.listening = false;
    const stopped = (this.stopped ??= Promise.resolve(this.bun.stop(false)).then(() => void this.emit("close")));
    if (callback !== undefined) stopped.then(() => callback(), callback);
    return this;
  }

  /** Idle connections close when `close()` stops the server; nothing to do before. */
  closeIdleConnections(): void {}

  /** Cuts every connection now, requests in flight included. */
  closeAllConnections(): void {
    this.listening = false;
    void Promise.resolve(this.bun.stop(true)).catch(() => undefined);
  }
}
