import type { ReplayStore } from "@aex/core";
import {
  followChannel,
  type AexApp,
  type Following,
  type RefetchReason,
  type ReplayDelivery,
  type ReplayEntry,
  type ReplaySink,
} from "@aex/core/plugin";
import debug from "debug";

const log = debug("aex:ws");

/** The longest `lastEventId` taken, in UTF-8 bytes: SSE's limit on `Last-Event-ID`. */
const MAX_LAST_EVENT_ID = 1024;
/** What a refused `lastEventId` is read as: an id of neither store's format (`unknown`). */
const REFUSED = "-";

/** Options of `handler.follow(store, channel, options)`. */
export interface FollowOptions {
  /**
   * The last id the client got from this channel (it reconnected): it gets what came after.
   * Pass what the client sent as it is: `undefined`, `null` and `""` are a new client; a
   * value that is not a string, or a string over 1024 bytes, is refused like SSE's
   * `Last-Event-ID` and gets `refetch` with reason `unknown` and `lastEventId: null`.
   */
  lastEventId?: string | null;
}

/**
 * What `follow()` asks the log for, from what the client sent: `undefined` for a new client,
 * {@link REFUSED} for a value that is no string or too long (the client gets `refetch`).
 */
function cursorOf(value: unknown): string | undefined {
  if (value === undefined || value === null || value === "") return undefined;
  if (typeof value === "string" && value.length <= MAX_LAST_EVENT_ID && Buffer.byteLength(value) <= MAX_LAST_EVENT_ID)
    return value;
  log("refused a lastEventId (%s, %d long): refetch", typeof value, typeof value === "string" ? value.length : 0);
  return REFUSED;
}

/** What `handler.follow()` resolves to. */
export interface FollowResult {
  /** The log's newest id when the connection joined: a new client's cursor. */
  head: string;
}

/** What a connection sends: a replay log's entry is `{ "event", "data", "id" }`. */
export interface FollowSocket {
  /** Sends an encoded message (false when the socket is closed or was cut as too slow). */
  sendRaw(message: string): boolean;
  /** Whether the socket is still open. */
  readonly open: boolean;
}

/**
 * A log entry as a WebSocket message, made once per entry and app: `data` is the value that
 * was published (a string stays a string). An entry that says JSON but does not parse (a log
 * written by something else) goes as its text.
 */
function messageOf(entry: ReplayEntry): string {
  let data = JSON.stringify(entry.data);
  if (entry.json) {
    try {
      JSON.parse(entry.data);
      data = entry.data;
    } catch {
      // Kept as its text.
    }
  }
  return `{"event":${JSON.stringify(entry.event)},"data":${data},"id":${JSON.stringify(entry.id)}}`;
}

class SocketSink implements ReplaySink {
  constructor(
    private readonly socket: FollowSocket,
    /** The client's lastEventId was refused: its refetch says `lastEventId: null`. */
    private readonly refused: boolean,
  ) {}

  entry(delivery: ReplayDelivery): void {
    this.socket.sendRaw(delivery.frame(messageOf));
  }

  refetch(head: string, reason: RefetchReason, lastEventId: string | undefined): void {
    this.socket.sendRaw(
      JSON.stringify({
        event: "refetch",
        data: { reason, lastEventId: this.refused ? null : (lastEventId ?? null) },
        id: head,
      }),
    );
  }

  cursor(): void {
    // A WebSocket has no Last-Event-ID to set: follow() resolves to the head instead.
  }
}

/** The channels one connection follows, left when it closes. */
export class Follows {
  private readonly channels = new Map<string, Following>();
  /** Channels whose follow is under way (joining the feed, reading the log), with how many. */
  private readonly pending = new Map<string, number>();
  /** The follow of each channel under way that counts: a later follow or an unfollow replaces it. */
  private readonly latest = new Map<string, object>();

  /** Follows `channel` of `store` for `socket` (a channel followed again is followed anew). */
  async follow(
    app: AexApp,
    socket: FollowSocket,
    store: ReplayStore,
    channel: string,
    options: FollowOptions,
    maxFollows = Infinity,
  ): Promise<FollowResult> {
    // Each followed channel holds a feed (and, on Redis, a subscription per instance) while the
    // connection is open: a client naming channels must not hold them without bound. A channel
    // followed again is not one more.
    const again = this.channels.has(channel) || this.pending.has(channel);
    if (!again && this.channels.size + this.pending.size >= maxFollows) {
      throw Object.assign(new Error(`the connection follows ${maxFollows} channels already (maxFollows)`), {
        code: "AEX_WS_TOO_MANY_FOLLOWS",
      });
    }
    this.unfollow(channel);
    const token = {};
    this.latest.set(channel, token);
    this.pending.set(channel, (this.pending.get(channel) ?? 0) + 1);
    try {
      return await this.join(app, socket, store, channel, options, token);
    } finally {
      const left = this.pending.get(channel)! - 1;
      if (left === 0) this.pending.delete(channel);
      else this.pending.set(channel, left);
      if (this.latest.get(channel) === token) this.latest.delete(channel);
    }
  }

  private async join(
    app: AexApp,
    socket: FollowSocket,
    store: ReplayStore,
    channel: string,
    options: FollowOptions,
    token: object,
  ): Promise<FollowResult> {
    const lastEventId = cursorOf(options.lastEventId);
    const refused = lastEventId === REFUSED && options.lastEventId !== REFUSED;
    // Unfollowed, or followed again, meanwhile: this follow sends nothing and holds nothing.
    const counts = () => socket.open && this.latest.get(channel) === token;
    const following = await followChannel(app, store, channel, lastEventId, () =>
      counts() ? new SocketSink(socket, refused) : null,
    );
    if (!counts()) following.leave();
    else {
      this.channels.get(channel)?.leave();
      this.channels.set(channel, following);
    }
    return { head: following.head };
  }

  /** Stops following `channel`. */
  unfollow(channel: string): void {
    this.latest.delete(channel);
    this.channels.get(channel)?.leave();
    this.channels.delete(channel);
  }

  /** Stops following every channel (the connection closed). */
  leaveAll(): void {
    for (const following of this.channels.values()) following.leave();
    this.channels.clear();
  }
}
