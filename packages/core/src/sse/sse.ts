import type { Aex } from "../app/aex";
import { AexError } from "../errors/aex-error";
import type { Scope } from "../scope/scope";
import { addRoute } from "../registry/registry";
import { methodDecorator, type AexMethodDecorator } from "../registry/method-decorator";
import { EventStream } from "./event-stream";
import { RouteReplay } from "./replay";
import type { SseOptions } from "./sse-options";

/** A method made an event stream by `@sse`. */
export type SseHandler = (stream: EventStream, scope: Scope) => unknown;

/** The `app.state` key of the app's open streams, ended by `aex.close()`. */
const STREAMS = Symbol("aex.sse.streams");

function openStreams(app: Aex): Set<EventStream> {
  return app.state(STREAMS, () => {
    const streams = new Set<EventStream>();
    // A "connections" hook: ended as soon as the server stops accepting, or draining
    // would wait closeTimeout for streams that never end by themselves.
    app.onClose(() => streams.forEach((stream) => stream.end()), { phase: "connections" });
    return streams;
  });
}

/**
 * Makes a controller method a Server-Sent Events endpoint (`GET path`): after the
 * method's steps (`@session`, guards…) it gets an open {@link EventStream}, with the
 * client's `Last-Event-ID` as `stream.lastEventId`. Heartbeats keep it alive; it ends on
 * client disconnect and on `aex.close()`.
 *
 * With `replay`, the route is resumable: a client gets what it missed since its
 * `Last-Event-ID` from the channel's log, then the channel's live events (in order, none
 * twice, on any instance sharing the store), and the method runs once it caught up.
 * `store.publish(channel, event, data)` publishes; the channel is the request's path
 * unless `channel` says otherwise. A client the log cannot serve gets a `refetch` event.
 *
 * @example
 * class Feed {
 *   @sse("/feed")
 *   feed(stream: EventStream, scope: Scope) {
 *     stream.send("hello", { resumedAfter: stream.lastEventId ?? null }, "1");
 *   }
 * }
 *
 * @example
 * const news = new RedisReplayStore(client, { size: 1000 });
 * class News {
 *   @sse("/news", { replay: news })
 *   news(stream: EventStream) {} // missed events, then live ones
 * }
 * await news.publish("/news", "headline", { title: "Aex 2.0" });
 */
export function sse(path: string, options: SseOptions = {}): AexMethodDecorator {
  if (typeof path !== "string" || (path !== "*" && !path.startsWith("/"))) {
    throw new AexError("AEX_ERR_ROUTE_INVALID", String(path));
  }
  checkReplay(options.replay);
  return methodDecorator((holder, key) => {
    addRoute(holder, key, {
      methods: ["GET"],
      urls: [path],
      compact: false,
      produces: "text/event-stream",
      handler: ({ app, instance, methodName }) => {
        const streams = openStreams(app);
        const method = (instance as Record<string | symbol, SseHandler>)[methodName];
        const replay = options.replay === undefined ? null : new RouteReplay(app, options.replay);
        return (req, res, scope) => {
          const open = () => {
            const stream = new EventStream(req, res, options, scope);
            streams.add(stream);
            stream.onEnd(() => streams.delete(stream));
            return stream;
          };
          if (replay === null) return method.call(instance, open(), scope);
          return replay.open(req, res, scope, open, (stream) => method.call(instance, stream, scope));
        };
      },
    });
  });
}

/** A replay option that is not a store (or `{ store, channel }`) is a setup error, not a 500 later. */
function checkReplay(replay: SseOptions["replay"]): void {
  if (replay === undefined) return;
  const { store, channel } = "store" in replay ? replay : { store: replay, channel: undefined };
  const isStore = typeof store?.publish === "function" && typeof store.read === "function";
  if (!isStore || (channel !== undefined && typeof channel !== "string" && typeof channel !== "function")) {
    throw new AexError("AEX_ERR_DECORATOR_ARGS", "@sse replay takes a ReplayStore or { store, channel }");
  }
}
