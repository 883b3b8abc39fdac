import type { AexRequest } from "../http/request";
import type { Scope } from "../scope/scope";
import type { ReplayStore } from "./replay-store";

/** Options of `@sse(path, { replay })`: the log a route replays from and follows. */
export interface SseReplayOptions {
  /** Where the channel's log lives: a `MemoryReplayStore` or a `RedisReplayStore`. */
  store: ReplayStore;
  /**
   * The channel of a request: a name, or a function of the request (after the route's
   * steps: `scope.params`, `scope.session`…). Default: the request's path (`/rooms/7`).
   */
  channel?: string | ((scope: Scope, req: AexRequest) => string);
}

/** Options of `@sse(path, options)`. */
export interface SseOptions {
  /** Milliseconds between heartbeat comments that keep proxies from closing an idle stream. `0`: off. Default 15 000. */
  heartbeat?: number;
  /**
   * Bytes allowed to wait for a slow client; past them its connection is cut (reset; over
   * HTTP/2, the stream is reset with `CANCEL`) and the bytes freed. Default 1 MiB.
   */
  maxBuffered?: number;
  /**
   * A replay log (a store, or `{ store, channel }`): the route sends a reconnecting client
   * what it missed since its `Last-Event-ID`, then the channel's live events, in order and
   * none twice, on any instance sharing the store; `store.publish(channel, event, data)`
   * publishes. A client whose id the log no longer holds gets a `refetch` event
   * (docs/sse.md).
   */
  replay?: ReplayStore | SseReplayOptions;
}
