/**
 * The HTTP error codes `@aex/ws` answers upgrades with (its message codes, sent as
 * `error` events, are {@link WS_ERROR_CODES} in protocol.ts). `docs/errors.md` lists both.
 */
export const WS_HTTP_ERROR_CODES = {
  AEX_WS_CLOSING: "503: the WebSocket server is shutting down; the upgrade is refused",
  AEX_WS_HANDSHAKE:
    "400: the upgrade request is no WebSocket handshake (Upgrade: websocket, a Sec-WebSocket-Key, Sec-WebSocket-Version 13)",
} as const;
