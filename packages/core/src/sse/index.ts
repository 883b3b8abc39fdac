// Server-Sent Events routes
export { sse, type SseHandler } from "./sse";
export { EventStream } from "./event-stream";
export type { SseOptions, SseReplayOptions } from "./sse-options";

// Replay logs: resumable streams
export type { ReplayStore, ReplayEntry, ReplayRead, ReplayListener } from "./replay-store";
export { MemoryReplayStore, type MemoryReplayStoreOptions } from "./memory-replay-store";
export {
  RedisReplayStore,
  type RedisReplayStoreOptions,
  type RedisReplayClient,
  type RedisReplaySubscriber,
} from "./redis-replay-store";
export { REFETCH_EVENT, ReplayDelivery, type RefetchReason, type ReplaySink } from "./replay-feed";
export { followChannel, type Following } from "./replay";
