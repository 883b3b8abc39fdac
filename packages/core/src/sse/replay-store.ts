/** One event of a replay log, with the id its store gave it. */
export interface ReplayEntry {
  /** Its id in the channel's log: what a client sends back as `Last-Event-ID`. */
  readonly id: string;
  /** The id of the entry before it in the log (the log's zero id for the first one). */
  readonly prev: string;
  /** The event's name (`message` for the browser's `onmessage`). */
  readonly event: string;
  /** The data as text: the string published, or the JSON of anything else. */
  readonly data: string;
  /** Whether `data` is JSON (a value was published) rather than a string as published. */
  readonly json: boolean;
}

/** What a reconnecting client missed, as {@link ReplayStore.read} answers. */
export type ReplayRead =
  | {
      /** Everything after the client's id is in the log. */
      readonly kind: "entries";
      /** The entries after the client's id, oldest first (none for a client without an id). */
      readonly entries: readonly ReplayEntry[];
      /** The newest id of the log (its zero id when empty): a new client's cursor. */
      readonly head: string;
    }
  | {
      /**
       * The log cannot say what came after the client's id: entries after it were trimmed
       * (older than `size` events), or it is not an id of this log (another log's, a
       * log that expired or restarted, not an id at all). The client must refetch.
       */
      readonly kind: "gone";
      /** Why: `trimmed` or `unknown`. */
      readonly reason: "trimmed" | "unknown";
      /** The newest id of the log: the client's cursor once it refetched. */
      readonly head: string;
    };

/** Called with each entry published to a channel, in the order of the log. */
export type ReplayListener = (entry: ReplayEntry) => void;

/**
 * Where replay logs live: one bounded log per channel, whose ids the store assigns. A
 * {@link MemoryReplayStore} serves one process; a {@link RedisReplayStore} (Redis Streams)
 * serves every instance of an app, so a client resumes on any of them. Publish with
 * {@link ReplayStore.publish}; `@sse(path, { replay: store })` routes replay and follow.
 *
 * @example
 * const feed = new MemoryReplayStore({ size: 500 });
 * const id = await feed.publish("news", "headline", { title: "Aex 2.0" });
 */
export interface ReplayStore {
  /**
   * Appends an event to `channel`'s log (the oldest entries beyond the store's `size` are
   * dropped) and delivers it to the channel's subscribers in every process sharing the
   * store. `data` that is not a string is sent as JSON. Resolves to the id it got.
   */
  publish(channel: string, event: string, data?: unknown): Promise<string>;
  /**
   * What came after `lastId` in `channel`'s log (`undefined`: a new client, nothing to
   * replay), or `gone` when the log cannot tell.
   */
  read(channel: string, lastId: string | undefined): Promise<ReplayRead>;
  /**
   * Calls `listener` with each entry published to `channel` from the moment the returned
   * promise resolves, in log order; `resync` is called when deliveries may have been lost
   * (the store's connection came back) so the caller can {@link ReplayStore.read} what it
   * missed. Resolves to the function that unsubscribes.
   */
  subscribe(channel: string, listener: ReplayListener, resync?: () => void): Promise<() => void>;
  /** Releases what the store holds (connections, timers). */
  close(): Promise<void>;
}
