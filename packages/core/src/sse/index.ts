// Server-Sent Events routes
export { sse, type SseHandler } from "./sse";
export { EventStream, type SseOptions } from "./event-stream";
