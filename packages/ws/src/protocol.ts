import { HttpError } from "@aex/core";
import { DEFAULT_BODY_LIMITS, parseJson } from "@aex/core/plugin";

/** The JSON shape of every message, both ways: `{ "event": name, "data": … }`. */
export interface WireMessage {
  /** The event's name. */
  event: string;
  /** The event's data. */
  data?: unknown;
}

/**
 * Event names a client may not send: the handler's lifecycle events, and the names
 * EventEmitter treats specially (an unheard "error" would throw).
 */
export const RESERVED_EVENTS: ReadonlySet<string> = new Set([
  "close",
  "error",
  "enter",
  "newListener",
  "removeListener",
]);

/** Close codes Aex uses (RFC 6455 §7.4.1). */
export const CloseCode = {
  /** 1001: the server is shutting down. */
  GOING_AWAY: 1001,
  /** 1007: a message whose data does not match its type (text that is not UTF-8). */
  INVALID_PAYLOAD: 1007,
  /** 1008: a `ws.use` step refused the connection. */
  POLICY: 1008,
  /** 1009: a message was larger than `maxPayload`. */
  TOO_BIG: 1009,
  /** 1011: a `ws.use` step or the handler failed. */
  INTERNAL: 1011,
  /** 1013: the client read too slowly (`maxBufferedAmount`). */
  TRY_AGAIN_LATER: 1013,
} as const;

/** Codes of the `error` events Aex sends a client about its messages. */
export const WS_ERROR_CODES = {
  AEX_WS_INVALID_JSON: "the message is not valid JSON",
  AEX_WS_TOO_DEEP: "the message nests deeper than the app's limits.jsonDepth (default 64)",
  AEX_WS_NO_EVENT: 'the message is not an object with a string "event"',
  AEX_WS_RESERVED_EVENT: "the event name is reserved",
  AEX_WS_BINARY: "binary messages are not supported",
  AEX_WS_HANDLER_FAILED: "a listener of the event failed",
  AEX_WS_TOO_MANY_FOLLOWS: "the connection follows as many channels as the server's maxFollows allows",
} as const;

/** A code from {@link WS_ERROR_CODES}. */
export type WsErrorCode = keyof typeof WS_ERROR_CODES;

/**
 * Parses a client message with the rules of every parsed input (core's `parseJson`):
 * nesting past `depth` refused before parsing, `__proto__` and `constructor` objects
 * stripped however their keys are escaped. Returns an error code for an invalid message.
 */
export function parseMessage(text: string, depth: number = DEFAULT_BODY_LIMITS.jsonDepth): WireMessage | WsErrorCode {
  let message: unknown;
  try {
    message = parseJson(text, depth);
  } catch (error) {
    return error instanceof HttpError && error.code === "AEX_BODY_TOO_DEEP" ? "AEX_WS_TOO_DEEP" : "AEX_WS_INVALID_JSON";
  }
  if (typeof message !== "object" || message === null || Array.isArray(message)) return "AEX_WS_NO_EVENT";
  const { event, data } = message as { event?: unknown; data?: unknown };
  if (typeof event !== "string" || event === "") return "AEX_WS_NO_EVENT";
  if (RESERVED_EVENTS.has(event)) return "AEX_WS_RESERVED_EVENT";
  return { event, data };
}

/** Encodes an outgoing message. */
export function encodeMessage(event: string, data: unknown): string {
  return JSON.stringify({ event, data });
}
