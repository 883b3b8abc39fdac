import type { AexResponse } from "../http/response";
import type { AexApp } from "../registry/app-ref";

// Bun.serve upgrades a request to a WebSocket itself (`server.upgrade`) and reports each
// connection's life to one set of handlers given at `Bun.serve`. Core routes those reports to
// whoever accepted the connection (@aex/ws); the WebSocket protocol stays that package's.

/** The part of Bun's `ServerWebSocket` a WebSocket library needs. */
export interface NativeWebSocket {
  /** 0 connecting, 1 open, 2 closing, 3 closed (the WebSocket constants). */
  readonly readyState: number;
  /** Sends a message; Bun answers the bytes sent, -1 when it queued them (backpressure), 0 when dropped. */
  send(data: string | Uint8Array, compress?: boolean): number;
  /** Starts the closing handshake with `code` and `reason`. */
  close(code?: number, reason?: string): void;
  /** Cuts the connection at once, without a closing handshake. */
  terminate(): void;
  /** Sends a ping; the peer's pong is reported to `onPong`. */
  ping(data?: string | Uint8Array): number;
  /** Bytes queued and not yet written to the connection. */
  getBufferedAmount(): number;
  /** The peer's address. */
  readonly remoteAddress: string;
}

/**
 * What the accepting side hears of its connection, in order: `onOpen`, then the rest. Methods,
 * not closures, so that one object per connection (the accepting side's socket) can be it.
 */
export interface NativeWebSocketEvents {
  /** The handshake is done: `socket` is the connection. */
  onOpen(socket: NativeWebSocket): void;
  /** A message: text as a string, binary as bytes. */
  onMessage(data: string | Uint8Array): void;
  /** The peer answered a ping. */
  onPong(): void;
  /** The send queue emptied below Bun's backpressure limit. */
  onDrain(): void;
  /** The connection closed, with the close frame's code and reason (1006 when there was none). */
  onClose(code: number, reason: string): void;
}

/**
 * Upgrades the request of a response to a WebSocket on the transport's own server, with
 * `headers` on its 101; `events` hears the connection. False when the request is no valid
 * WebSocket handshake (nothing was sent: answer it with an error).
 */
export type NativeUpgrade = (events: NativeWebSocketEvents, headers: [string, string][]) => boolean;

/** Where a response of an upgrade request keeps its transport's upgrade. */
export const NATIVE_UPGRADE: unique symbol = Symbol("aex.nativeUpgrade");

/**
 * The transport's own WebSocket upgrade for the request `res` answers (Bun.serve), or null
 * where the transport hands over a socket instead (node:http's `upgrade` event, `res.socket`).
 */
export function nativeUpgrade(res: AexResponse): NativeUpgrade | null {
  return (res as { [NATIVE_UPGRADE]?: NativeUpgrade })[NATIVE_UPGRADE] ?? null;
}

/** @internal The server-wide WebSocket settings of an app on a transport with native WebSockets. */
export class NativeWebSocketLimits {
  /**
   * The largest message any of the app's WebSocket servers accepts: the transport refuses a
   * larger one (1009) before it is buffered; each server checks its own, smaller limit. 1 MiB
   * (the `ws` package's default) until a server allows more.
   */
  maxPayload = 1024 * 1024;
  /** Called when a limit grows once the transport runs (Bun.serve reloads its settings). */
  onChange: (() => void) | null = null;

  /** Lets messages of `bytes` through the transport. */
  allow(bytes: number): void {
    if (bytes <= this.maxPayload) return;
    this.maxPayload = bytes;
    this.onChange?.();
  }
}

/** The app-state key of an app's {@link NativeWebSocketLimits}. */
const NATIVE_WEBSOCKET_LIMITS: unique symbol = Symbol("aex.nativeWebSocketLimits");

/**
 * Lets WebSocket messages of up to `bytes` through `app`'s transport, where it has WebSockets
 * of its own (Bun.serve refuses larger ones itself, with 1009). A WebSocket server calls it
 * with its own limit, before or after the app starts.
 */
export function allowWebSocketPayload(app: AexApp, bytes: number): void {
  nativeWebSocketLimits(app).allow(bytes);
}

/** @internal The app's {@link NativeWebSocketLimits}, made on first use. */
export function nativeWebSocketLimits(app: AexApp): NativeWebSocketLimits {
  return app.state(NATIVE_WEBSOCKET_LIMITS, () => new NativeWebSocketLimits());
}

type Socket = NativeWebSocket & { data: NativeWebSocketEvents };

/**
 * `Bun.serve`'s `websocket` handlers: each report goes to the events its connection was
 * upgraded with. Liveness (pings) and backpressure are the accepting library's: no idle
 * timeout, and Bun never drops or closes on its own below the largest queue it allows.
 */
export function bunWebSocketHandlers(maxPayload: number): object {
  return {
    maxPayloadLength: maxPayload,
    idleTimeout: 0,
    backpressureLimit: 2 ** 31 - 1,
    closeOnBackpressureLimit: false,
    perMessageDeflate: false,
    open: (socket: Socket) => socket.data.onOpen(socket),
    message: (socket: Socket, data: string | Uint8Array) => socket.data.onMessage(data),
    pong: (socket: Socket) => socket.data.onPong(),
    drain: (socket: Socket) => socket.data.onDrain(),
    close: (socket: Socket, code: number, reason: string) => socket.data.onClose(code, reason),
  };
}
