/**
 * WebSockets for Aex: `WebSocketServer`, `@ws` routes, events, middlewares, rooms and
 * broadcast (across processes: `@aex/ws/redis`).
 *
 * @module @aex/ws
 */
// The server, its connections and @ws routes
export { WebSocketServer, type IWebSocketAsyncMiddleware, type BroadcastTarget } from "./server";
export type { WebSocketServerOptions } from "./server-options";
export { WebSocketHandler } from "./handler";
export type { FollowOptions, FollowResult } from "./follow";
export { ws, websockets, hubOf, type WebSocketPluginOptions, type WebSocketRouteHandler } from "./ws-route";

// Sharing broadcasts between processes
export type { BroadcastAdapter, BroadcastMessage } from "./adapter";

// The wire protocol
export { CloseCode, WS_ERROR_CODES, RESERVED_EVENTS, type WireMessage, type WsErrorCode } from "./protocol";

// Error codes
export { WS_HTTP_ERROR_CODES } from "./errors";
