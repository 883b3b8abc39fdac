import { FanOut } from "../helpers/fan-out";
import type { EventStream } from "./event-stream";
import { eventFrame } from "./frame";
import { compareKeys, replayKey, type ReplayKey } from "./replay-id";
import type { ReplayEntry, ReplayRead, ReplayStore } from "./replay-store";

/**
 * The event a stream gets when the log cannot give it what it missed (its id was trimmed
 * off, is not one of this log's, or this instance lost its connection to the log while
 * events were published): the client refetches its state, then follows the live events.
 * Its `id` is the log's newest, so the client's next `Last-Event-ID` is current.
 */
export const REFETCH_EVENT = "refetch";

/** Why a stream got {@link REFETCH_EVENT}: `trimmed`, `unknown` (the id), or `lost` (deliveries). */
export type RefetchReason = "trimmed" | "unknown" | "lost";

/**
 * One entry of a channel as it goes to clients: each transport's encoding of it is made once
 * (`frame(encode)`) and written to every client of that transport.
 */
export class ReplayDelivery {
  private frames: Map<(entry: ReplayEntry) => string, string> | null = null;

  constructor(
    /** The entry's id, as numbers. */
    readonly key: ReplayKey,
    /** The entry. */
    readonly entry: ReplayEntry,
  ) {}

  /** The entry encoded by `encode`, made on first use and kept for every other client. */
  frame(encode: (entry: ReplayEntry) => string): string {
    const frames = (this.frames ??= new Map());
    let frame = frames.get(encode);
    if (frame === undefined) frames.set(encode, (frame = encode(this.entry)));
    return frame;
  }
}

/**
 * Where a follower of a channel sends what it gets: an SSE stream, a WebSocket. It only
 * writes; ordering, catching up and deduplication are the follower's.
 *
 * @example
 * const sink: ReplaySink = {
 *   entry: (delivery) => socket.send(delivery.frame(toJson)),
 *   refetch: (head, reason) => socket.send(JSON.stringify({ event: "refetch", data: { reason }, id: head })),
 *   cursor: () => undefined,
 * };
 */
export interface ReplaySink {
  /** Writes one entry: one the client missed, then each live one, in order, none twice. */
  entry(delivery: ReplayDelivery): void;
  /**
   * Writes what the client missed, at once, before any live entry (else each goes to
   * `entry`): a stream that checks its buffer before each write would be cut by a long
   * backlog written entry by entry in one turn, before the client could read any of it.
   */
  missed?(deliveries: readonly ReplayDelivery[]): void;
  /** The log cannot give the client what it missed: it must refetch; `head` is the newest id. */
  refetch(head: string, reason: RefetchReason, lastEventId: string | undefined): void;
  /** A new client: `head`, the log's newest id, is where it resumes from. */
  cursor(head: string): void;
}

/** A gap in a member's queue: the feed lost deliveries while the member caught up. */
interface Gap {
  readonly gap: ReplayKey;
  readonly head: string;
}

/** The SSE encoding of an entry: `event:`, `id:` and `data:` lines. */
export function sseFrame(entry: ReplayEntry): string {
  return eventFrame(entry.event, entry.data, entry.id);
}

/** What an SSE stream of a replay route gets. */
export class StreamSink implements ReplaySink {
  constructor(private readonly stream: EventStream) {}

  entry(delivery: ReplayDelivery): void {
    // A string: node writes it to each socket without a buffer per chunk (measured, issue 29).
    this.stream.sendFrame(delivery.frame(sseFrame));
  }

  missed(deliveries: readonly ReplayDelivery[]): void {
    // One write, not counted as a slow reader's: the stream checks maxBuffered before each
    // write, and a backlog written in one turn passed it before the client could read any.
    if (deliveries.length > 0) this.stream.sendBacklog(deliveries.map((d) => d.frame(sseFrame)).join(""));
  }

  refetch(head: string, reason: RefetchReason, lastEventId: string | undefined): void {
    this.stream.sendFrame(
      eventFrame(REFETCH_EVENT, JSON.stringify({ reason, lastEventId: lastEventId ?? null }), head),
    );
  }

  cursor(head: string): void {
    // No event, but a browser takes the id as its Last-Event-ID, so a reconnect before the
    // first event resumes from here (WHATWG HTML §9.2.6).
    this.stream.sendFrame(`id: ${head}\n\n`);
  }
}

/**
 * One client of a channel. It joins the feed before it reads what it missed, queueing what
 * arrives meanwhile; then it sends the missed entries, the queued ones it has not sent (by
 * id), and follows the live ones: in order, none twice.
 */
export class ReplayMember {
  private queue: (ReplayDelivery | Gap)[] | null = [];
  private sink: ReplaySink | null = null;
  private last: ReplayKey = [0, 0];

  /** Takes a live entry: queued until the member started, else sent unless already sent. */
  offer(delivery: ReplayDelivery): void {
    if (this.queue !== null) this.queue.push(delivery);
    else if (compareKeys(delivery.key, this.last) > 0) {
      this.last = delivery.key;
      this.sink!.entry(delivery);
    }
  }

  /** The feed lost deliveries (its log may even have started over at `head`): the client must refetch. */
  gap(head: string, key: ReplayKey): void {
    if (this.queue !== null) this.queue.push({ gap: key, head });
    else this.refetch(head, key, "lost", undefined);
  }

  /** Sends what the client missed (or `refetch`), then what was queued, and goes live. */
  start(sink: ReplaySink, read: ReplayRead, lastEventId: string | undefined): void {
    this.sink = sink;
    const head = replayKey(read.head) ?? [0, 0];
    if (read.kind === "gone") this.refetch(read.head, head, read.reason, lastEventId);
    else if (lastEventId === undefined) {
      this.last = head;
      sink.cursor(read.head);
    } else {
      this.last = replayKey(lastEventId) ?? head;
      const missed: ReplayDelivery[] = [];
      for (const entry of read.entries) {
        const key = replayKey(entry.id);
        if (key === null) continue;
        this.last = key;
        missed.push(new ReplayDelivery(key, entry));
      }
      if (sink.missed !== undefined) sink.missed(missed);
      else for (const delivery of missed) sink.entry(delivery);
    }
    const queued = this.queue!;
    this.queue = null;
    for (const item of queued) {
      if ("gap" in item) this.gap(item.head, item.gap);
      else this.offer(item);
    }
  }

  private refetch(head: string, key: ReplayKey, reason: RefetchReason, lastEventId: string | undefined): void {
    this.last = key;
    this.sink!.refetch(head, reason, lastEventId);
  }
}

/**
 * The live entries of one channel of one store, for the streams of one app: one
 * subscription, each entry framed once and offered to every member. It checks that each
 * entry follows the last one it delivered (`prev`); when one does not, or the store says
 * its connection came back, it reads what it missed from the log before going on.
 */
export class ChannelFeed {
  readonly members = new Set<ReplayMember>();
  /** Resolves once subscribed and the log's newest id is known. */
  readonly ready: Promise<void>;
  private last: ReplayKey | null = null;
  private lastId = "0";
  private unsubscribe: (() => void) | null = null;
  private pending: ReplayEntry[] | null = null;
  private retry: NodeJS.Timeout | null = null;
  private closed = false;
  /** Each entry goes to the members slice by slice, in order (helpers/fan-out.ts). */
  private readonly fanOut = new FanOut();

  constructor(
    private readonly store: ReplayStore,
    private readonly channel: string,
  ) {
    this.ready = this.open();
  }

  /** Stops following the channel. */
  close(): void {
    this.closed = true;
    if (this.retry !== null) clearTimeout(this.retry);
    this.unsubscribe?.();
    this.unsubscribe = null;
  }

  private async open(): Promise<void> {
    const unsubscribe = await this.store.subscribe(
      this.channel,
      (entry) => this.receive(entry),
      () => this.resync(),
    );
    if (this.closed) return unsubscribe();
    this.unsubscribe = unsubscribe;
    try {
      // Entries that arrive from now on follow this id; those that arrived before the answer
      // were published after the subscription, so they are newer and already delivered.
      const { head } = await this.store.read(this.channel, undefined);
      if (this.last === null) this.advance(head, replayKey(head) ?? [0, 0]);
    } catch (error) {
      this.close();
      throw error;
    }
  }

  private receive(entry: ReplayEntry): void {
    if (this.pending !== null) return void this.pending.push(entry);
    const key = replayKey(entry.id);
    if (key === null || (this.last !== null && compareKeys(key, this.last) <= 0)) return;
    const prev = replayKey(entry.prev);
    if (this.last !== null && (prev === null || compareKeys(prev, this.last) !== 0)) {
      this.pending = [entry];
      return void this.catchUp();
    }
    this.deliver(entry, key);
  }

  private deliver(entry: ReplayEntry, key: ReplayKey): void {
    this.advance(entry.id, key);
    const delivery = new ReplayDelivery(key, entry);
    this.fanOut.send(this.members, (member) => member.offer(delivery));
  }

  private advance(id: string, key: ReplayKey): void {
    this.last = key;
    this.lastId = id;
  }

  private resync(): void {
    if (this.pending !== null || this.closed) return;
    this.pending = [];
    void this.catchUp();
  }

  /** Reads what followed the last delivered entry; until it is known, entries wait. */
  private async catchUp(): Promise<void> {
    let read: ReplayRead;
    try {
      read = await this.store.read(this.channel, this.lastId);
    } catch {
      // The log is unreachable: try again; the store also says when its connection is back.
      if (!this.closed) this.retry = setTimeout(() => void this.catchUp(), 1_000).unref();
      return;
    }
    if (read.kind === "gone") {
      const head = replayKey(read.head) ?? [0, 0];
      this.advance(read.head, head);
      this.fanOut.send(this.members, (member) => member.gap(read.head, head));
    } else {
      for (const entry of read.entries) {
        const key = replayKey(entry.id);
        if (key !== null && compareKeys(key, this.last ?? [0, 0]) > 0) this.deliver(entry, key);
      }
    }
    const waiting = this.pending ?? [];
    this.pending = null;
    for (const entry of waiting) this.receive(entry);
  }
}
