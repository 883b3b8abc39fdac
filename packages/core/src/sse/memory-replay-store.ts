import { eventData, oneLine } from "./frame";
import { compareKeys, replayKey } from "./replay-id";
import type { ReplayEntry, ReplayListener, ReplayRead, ReplayStore } from "./replay-store";

/** Options of a {@link MemoryReplayStore}. */
export interface MemoryReplayStoreOptions {
  /** Entries kept per channel; older ones are dropped. Default 1 000. */
  size?: number;
  /** Seconds a channel nobody published to is kept. Default 86 400 (a day). */
  ttl?: number;
}

interface Log {
  readonly entries: ReplayEntry[];
  readonly listeners: Set<{ listener: ReplayListener }>;
  /** The last id given in this log (0: none yet). */
  last: number;
  /** When the log was last published to (ms), for `ttl`. */
  touched: number;
}

const ZERO = "0";

/**
 * Replay logs in this process's memory: ids are counters per channel (`1`, `2`, …), each
 * channel keeps its last `size` events. For one process: another instance, or this one
 * after a restart, does not know these ids, and a client that sends one gets `refetch`.
 * Many instances share a {@link RedisReplayStore} instead.
 *
 * @example
 * const feed = new MemoryReplayStore({ size: 100 });
 * class News {
 *   @sse("/news", { replay: feed })
 *   news(stream: EventStream) {}
 * }
 * await feed.publish("/news", "headline", { title: "Aex 2.0" });
 */
export class MemoryReplayStore implements ReplayStore {
  private readonly logs = new Map<string, Log>();
  private readonly size: number;
  private readonly ttlMs: number;
  private readonly sweeper: NodeJS.Timeout;

  constructor(options: MemoryReplayStoreOptions = {}) {
    this.size = Math.max(1, Math.floor(options.size ?? 1_000));
    this.ttlMs = Math.max(1, options.ttl ?? 86_400) * 1000;
    this.sweeper = setInterval(() => this.sweep(), Math.min(this.ttlMs, 60_000));
    this.sweeper.unref();
  }

  publish(channel: string, event: string, data?: unknown): Promise<string> {
    const log = this.logOf(channel);
    const entry: ReplayEntry = {
      id: String(log.last + 1),
      prev: String(log.last),
      event: oneLine(event),
      data: eventData(data),
      json: typeof data !== "string",
    };
    log.last++;
    log.touched = Date.now();
    log.entries.push(entry);
    if (log.entries.length > this.size) log.entries.splice(0, log.entries.length - this.size);
    for (const { listener } of log.listeners) listener(entry);
    return Promise.resolve(entry.id);
  }

  read(channel: string, lastId: string | undefined): Promise<ReplayRead> {
    const log = this.logs.get(channel);
    const head = log === undefined ? ZERO : String(log.last);
    if (lastId === undefined) return Promise.resolve({ kind: "entries", entries: [], head });
    const key = replayKey(lastId);
    // Not a counter, or one this log never gave (another process's, or before a restart).
    if (key === null || key[1] !== 0 || compareKeys(key, [log?.last ?? 0, 0]) > 0) {
      return Promise.resolve({ kind: "gone", reason: "unknown", head });
    }
    const entries = log?.entries ?? [];
    const first = entries.length === 0 ? (log?.last ?? 0) : Number(entries[0]!.prev);
    if (key[0] < first) return Promise.resolve({ kind: "gone", reason: "trimmed", head });
    return Promise.resolve({ kind: "entries", entries: entries.slice(entries.length - (Number(head) - key[0])), head });
  }

  subscribe(channel: string, listener: ReplayListener): Promise<() => void> {
    const log = this.logOf(channel);
    const subscription = { listener };
    log.listeners.add(subscription);
    return Promise.resolve(() => {
      log.listeners.delete(subscription);
      // A channel only followed, never published to, is not kept for `ttl`: a client that
      // follows names it made up leaves nothing behind.
      if (log.listeners.size === 0 && log.last === 0 && this.logs.get(channel) === log) this.logs.delete(channel);
    });
  }

  close(): Promise<void> {
    clearInterval(this.sweeper);
    return Promise.resolve();
  }

  private logOf(channel: string): Log {
    let log = this.logs.get(channel);
    if (log === undefined)
      this.logs.set(channel, (log = { entries: [], listeners: new Set(), last: 0, touched: Date.now() }));
    return log;
  }

  /** Forgets the logs nobody published to within `ttl` and nobody listens to. */
  private sweep(): void {
    const before = Date.now() - this.ttlMs;
    for (const [channel, log] of this.logs) {
      if (log.touched < before && log.listeners.size === 0) this.logs.delete(channel);
    }
  }
}
