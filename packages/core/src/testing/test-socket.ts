import type { Duplex } from "node:stream";
import type { TestResponse } from "./test-response";

/** One `{ event, data }` message of an in-process WebSocket. */
export interface TestSocketMessage {
  /** The event's name. */
  readonly event: string;
  /** The event's data, parsed from JSON. */
  readonly data: unknown;
}

/** The client end of a WebSocket opened by `aex.inject().ws(path)`. */
export interface TestWebSocket {
  /** Sends `{ event, data }`. */
  send(event: string, data?: unknown): void;
  /** Sends a raw frame (text, or binary for a Buffer). */
  sendRaw(message: string | Buffer): void;
  /** The data of the next message of `event` not yet taken (waits for it). */
  next<T = unknown>(event: string): Promise<T>;
  /** Every message received so far and not yet taken. */
  readonly messages: readonly TestSocketMessage[];
  /** Closes the socket with `code` (default 1000) and `reason`. */
  close(code?: number, reason?: string): void;
  /** Resolves with the close code and reason. */
  readonly closed: Promise<{
    /** The close code (1000 normal, 1001 going away…). */
    code: number;
    /** The close reason, if any. */
    reason: string;
  }>;
}

/** The answer to an upgrade: the 101 with its socket, or the refusal (`socket` null). */
export interface TestUpgradeResponse extends TestResponse {
  /** The open socket after a 101; null when the upgrade was refused. */
  readonly socket: TestWebSocket | null;
}

/**
 * Opens a WebSocket over `connection` (already connected to the app's server): provided
 * by a WebSocket plugin (`@aex/ws`) under {@link WEBSOCKET_OPENER} with `app.state`.
 */
export type WebSocketOpener = (
  connection: Duplex,
  path: string,
  headers: Record<string, string>,
) => Promise<TestUpgradeResponse>;

/** The `app.state` key of the app's {@link WebSocketOpener}. */
export const WEBSOCKET_OPENER = Symbol("aex.inject.websocket");
