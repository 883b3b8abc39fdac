// The server and its connections
export {
  WebSocketServer,
  type WebSocketServerOptions,
  type IWebSocketAsyncMiddleware,
  type BroadcastTarget,
} from "./server";
export { WebSocketHandler } from "./handler";

// Sharing broadcasts between processes
export type { BroadcastAdapter, BroadcastMessage } from "./adapter";

// The wire protocol
export { CloseCode, WS_ERROR_CODES, RESERVED_EVENTS, type WireMessage, type WsErrorCode } from "./protocol";
