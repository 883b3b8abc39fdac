/** The JSON shape of every message, both ways: `{ "event": name, "data": … }`. */
export interface WireMessage {
  event: string;
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
  GOING_AWAY: 1001,
  INVALID_PAYLOAD: 1007,
  POLICY: 1008,
  TOO_BIG: 1009,
  INTERNAL: 1011,
  TRY_AGAIN_LATER: 1013,
} as const;

/** Codes of the `error` events Aex sends a client about its messages. */
export const WS_ERROR_CODES = {
  AEX_WS_INVALID_JSON: "the message is not valid JSON",
  AEX_WS_NO_EVENT: 'the message is not an object with a string "event"',
  AEX_WS_RESERVED_EVENT: "the event name is reserved",
  AEX_WS_BINARY: "binary messages are not supported",
  AEX_WS_HANDLER_FAILED: "a listener of the event failed",
} as const;

export type WsErrorCode = keyof typeof WS_ERROR_CODES;

/** Parses a client message; returns an error code when it is not a valid one. */
export function parseMessage(text: string): WireMessage | WsErrorCode {
  let message: unknown;
  try {
    message = JSON.parse(text);
  } catch {
    return "AEX_WS_INVALID_JSON";
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
