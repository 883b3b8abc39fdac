import type { AexRequest } from "../http/request";
import type { AexResponse } from "../http/response";
import { addDependency, isDependency } from "../ops/dependencies";
import type { AexApp } from "../registry/app-ref";
import { pathOf } from "../router/path-of";
import type { Scope } from "../scope/scope";
import { readLastEventId, type EventStream } from "./event-stream";
import { ChannelFeed, ReplayMember } from "./replay-feed";
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

/** What an `@sse` route with `replay` does for one app. */
export class RouteReplay {
  private readonly store: ReplayStore;
  private readonly channelOf: (scope: Scope, req: AexRequest) => string;
  private readonly feeds: AppFeeds;

  constructor(app: AexApp, options: SseReplayOptions | ReplayStore) {
    const { store, channel } = "store" in options ? options : { store: options, channel: undefined };
    this.store = store;
    this.channelOf =
      typeof channel === "function" ? channel : channel !== undefined ? () => channel : (_s, req) => pathOf(req.url);
    this.feeds = app.state(FEEDS, () => {
      const feeds = new AppFeeds();
      app.onClose(() => feeds.close(), { phase: "connections" });
      return feeds;
    });
    if (this.feeds.adopt(store)) {
      // Closed with the app, like a registered Cache: its subscriber connection is the store's own.
      app.onClose(() => store.close());
      if (isDependency(store)) addDependency(app, "sse replay store", store);
    }
  }

  /**
   * Opens a stream that resumes after the client's `Last-Event-ID`: joins the channel's feed,
   * reads what the client missed, opens the stream (`open`), sends it all and goes live, then
   * runs the route's `handler`. When the log cannot be reached, the stream is opened and ended
   * with a `retry:` hint instead: a browser reconnects by itself (it would not after a 503).
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
    const member = new ReplayMember();
    let feed: ChannelFeed | null = null;
    let read: ReplayRead;
    try {
      feed = await this.feeds.join(this.store, channel, member);
      read = await this.store.read(channel, lastEventId);
    } catch (error) {
      if (feed !== null) this.feeds.leave(this.store, channel, feed, member);
      scope.log?.warn({ err: error, channel }, "SSE replay log unavailable: the client is told to retry");
      const stream = open();
      stream.sendFrame("retry: 1000\n\n: the replay log is unavailable; reconnect\n\n");
      stream.end();
      return undefined;
    }
    const joined = feed;
    if (res.writableEnded || res.destroyed) {
      this.feeds.leave(this.store, channel, joined, member);
      return undefined;
    }
    const stream = open();
    stream.onEnd(() => this.feeds.leave(this.store, channel, joined, member));
    member.start(stream, read, lastEventId);
    return handler(stream);
  }
}
