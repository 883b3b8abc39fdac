import type { AexRequest } from "../http/request";
import type { AexResponse } from "../http/response";
import { addDependency, isDependency } from "../ops/dependencies";
import type { AexApp } from "../registry/app-ref";
import { pathOf } from "../router/path-of";
import type { Scope } from "../scope/scope";
import { readLastEventId, type EventStream } from "./event-stream";
import { ChannelFeed, ReplayMember, StreamSink, type ReplaySink } from "./replay-feed";
import type { ReplayRead, ReplayStore } from "./replay-store";
import type { SseReplayOptions } from "./sse-options";

/** The `app.state` key of the app's channel feeds. */
const FEEDS = Symbol("aex.sse.replayFeeds");

/** The channels an app's streams follow, one feed per store and channel. */
class AppFeeds {
  private readonly feeds = new Map<ReplayStore, Map<string, ChannelFeed>>();
  private readonly stores = new Set<ReplayStore>();

  /** Whether `store` is new to this app (then the app closes it). */
  adopt(store: ReplayStore): boolean {
    if (this.stores.has(store)) return false;
    this.stores.add(store);
    return true;
  }

  /** Adds `member` to the channel's feed (made, and subscribed, on first use). */
  async join(store: ReplayStore, channel: string, member: ReplayMember): Promise<ChannelFeed> {
    let byChannel = this.feeds.get(store);
    if (byChannel === undefined) this.feeds.set(store, (byChannel = new Map()));
    let feed = byChannel.get(channel);
    if (feed === undefined) {
      byChannel.set(channel, (feed = new ChannelFeed(store, channel)));
      const made = feed;
      made.ready.catch(() => byChannel.get(channel) === made && byChannel.delete(channel));
    }
    feed.members.add(member);
    try {
      await feed.ready;
    } catch (error) {
      feed.members.delete(member);
      throw error;
    }
    return feed;
  }

  /** Removes `member`; a feed without members stops following its channel. */
  leave(store: ReplayStore, channel: string, feed: ChannelFeed, member: ReplayMember): void {
    feed.members.delete(member);
    if (feed.members.size > 0) return;
    feed.close();
    const byChannel = this.feeds.get(store);
    if (byChannel?.get(channel) === feed) byChannel.delete(channel);
  }

  close(): void {
    for (const byChannel of this.feeds.values()) for (const feed of byChannel.values()) feed.close();
    this.feeds.clear();
  }
}

/** The feeds of `app`, closed with it; the first use of a store makes the app close it too. */
function feedsOf(app: AexApp, store: ReplayStore): AppFeeds {
  const feeds = app.state(FEEDS, () => {
    const made = new AppFeeds();
    app.onClose(() => made.close(), { phase: "connections" });
    return made;
  });
  if (feeds.adopt(store)) {
    // Closed with the app, like a registered Cache: its subscriber connection is the store's own.
    app.onClose(() => store.close());
    // aex.start() waits for its first connection, readiness reports it.
    if (isDependency(store)) addDependency(app, "replay store", store);
  }
  return feeds;
}

/** A client following a channel: the log's newest id when it joined, and how to stop. */
export interface Following {
  /** The log's newest id when the client joined: a new client's cursor. */
  readonly head: string;
  /** Stops following (the channel's feed stops when its last client leaves). */
  leave(): void;
}

/**
 * Makes a client of `app` follow `channel` of `store` from after `lastEventId` (`undefined`:
 * a new client): joins the channel's feed of the app (one subscription per channel and app),
 * reads what the client missed, asks `open` for the client's sink (null: the client is gone),
 * sends it what it missed (or a refetch), then every live entry, in order and none twice.
 * Rejects, having left, when the log cannot be reached. The transports' own follow on it:
 * `@sse(path, { replay })` and `@aex/ws`'s `handler.follow()`.
 *
 * @example
 * const following = await followChannel(app, store, "room:7", lastEventId, () => sink);
 * socket.once("close", () => following.leave());
 */
export async function followChannel(
  app: AexApp,
  store: ReplayStore,
  channel: string,
  lastEventId: string | undefined,
  open: (read: ReplayRead) => ReplaySink | null,
): Promise<Following> {
  const feeds = feedsOf(app, store);
  const member = new ReplayMember();
  let feed: ChannelFeed | null = null;
  let read: ReplayRead;
  try {
    feed = await feeds.join(store, channel, member);
    read = await store.read(channel, lastEventId);
  } catch (error) {
    if (feed !== null) feeds.leave(store, channel, feed, member);
    throw error;
  }
  const joined = feed;
  let left = false;
  const leave = () => {
    if (left) return;
    left = true;
    feeds.leave(store, channel, joined, member);
  };
  // Past the log: a failure of the transport's own (opening, writing) leaves and is the caller's.
  try {
    const sink = open(read);
    if (sink === null) leave();
    else member.start(sink, read, lastEventId);
  } catch (error) {
    leave();
    throw error;
  }
  return { head: read.head, leave };
}

/** What an `@sse` route with `replay` does for one app. */
export class RouteReplay {
  private readonly store: ReplayStore;
  private readonly channelOf: (scope: Scope, req: AexRequest) => string;

  constructor(
    private readonly app: AexApp,
    options: SseReplayOptions | ReplayStore,
  ) {
    const { store, channel } = "store" in options ? options : { store: options, channel: undefined };
    this.store = store;
    this.channelOf =
      typeof channel === "function" ? channel : channel !== undefined ? () => channel : (_s, req) => pathOf(req.url);
    feedsOf(app, store);
  }

  /**
   * Opens a stream that resumes after the client's `Last-Event-ID`: follows the channel,
   * opening the stream (`open`) once it knows what the client missed, then runs the route's
   * `handler`. When the log cannot be reached, the stream is opened and ended with a `retry:`
   * hint instead: a browser reconnects by itself (it would not after a 503).
   */
  async open(
    req: AexRequest,
    res: AexResponse,
    scope: Scope,
    open: () => EventStream,
    handler: (stream: EventStream) => unknown,
  ): Promise<unknown> {
    const lastEventId = readLastEventId(req.headers["last-event-id"]);
    const channel = this.channelOf(scope, req);
    let stream: EventStream | null = null;
    let opening = false;
    let following: Following;
    try {
      following = await followChannel(this.app, this.store, channel, lastEventId, () => {
        if (res.writableEnded || res.destroyed) return null;
        opening = true;
        stream = open();
        return new StreamSink(stream);
      });
    } catch (error) {
      // The log answered and the stream failed: that is no reason to open it again.
      if (opening) throw error;
      scope.log?.warn({ err: error, channel }, "SSE replay log unavailable: the client is told to retry");
      const failed = open();
      failed.sendFrame("retry: 1000\n\n: the replay log is unavailable; reconnect\n\n");
      failed.end();
      return undefined;
    }
    if (stream === null) return undefined;
    const opened: EventStream = stream;
    opened.onEnd(following.leave);
    return handler(opened);
  }
}
