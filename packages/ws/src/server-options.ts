import type { BroadcastAdapter } from "./adapter";

/** Options of a {@link WebSocketServer}. */
export interface WebSocketServerOptions {
  /**
   * Path pattern served (`/chat`, `/rooms/:room`); default every path. `null`: no path
   * of its own (the app's hub, serving its `@ws` routes).
   */
  path?: string | null;
  /** Largest message accepted, in bytes; a larger one closes the socket with 1009. Default 1 MiB. */
  maxPayload?: number;
  /** Milliseconds between heartbeat pings; a peer that missed one is dropped. `0`: off. Default 30 000. */
  heartbeat?: number;
  /** Bytes allowed to wait for a slow client before it is closed with 1013. Default 4 MiB. */
  maxBufferedAmount?: number;
  /**
   * Channels one connection may follow at once (`handler.follow`); past it `follow()`
   * rejects and the client gets `AEX_WS_TOO_MANY_FOLLOWS`. Default 100.
   */
  maxFollows?: number;
  /** Shares broadcasts between processes (e.g. {@link "@aex/ws/redis"!RedisAdapter}). */
  adapter?: BroadcastAdapter;
}
