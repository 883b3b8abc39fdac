/**
 * The in-process test client (`aex.inject()`) and what it is made of: requests through
 * node's real HTTP parser over in-memory sockets, with WebSocket and event-stream clients.
 *
 * @module @aex/core/testing
 */
export { TestClient, TestRequest, type TestResponse } from "./testing/test-client";
export { MemorySocket, socketPair } from "./testing/memory-socket";
export {
  WEBSOCKET_OPENER,
  type TestWebSocket,
  type TestSocketMessage,
  type TestUpgradeResponse,
  type WebSocketOpener,
} from "./testing/test-socket";
export type { TestEvent, TestEventStream } from "./testing/test-event-stream";
