import type { Duplex } from "node:stream";
import type { TestResponse } from "./test-client";

/** One `{ event, data }` message of an in-process WebSocket. */
export interface TestSocketMessage {
  readonly event: string;
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
  close(code?: number, reason?: string): void;
  /** Resolves with the close code and reason. */
  readonly closed: Promise<{ code: number; reason: string }>;
}

/** The answer to an upgrade: the 101 with its socket, or the refusal (`socket` null). */
export interface TestUpgradeResponse extends TestResponse {
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
