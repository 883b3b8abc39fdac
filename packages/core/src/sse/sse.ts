import type { Logger } from "pino";
import type { Aex } from "../app/aex";
import { AexError } from "../errors/aex-error";
import type { Scope } from "../scope/scope";
import { addRoute } from "../registry/registry";
import { methodDecorator, type AexMethodDecorator } from "../registry/method-decorator";
import { EventStream, type SseOptions } from "./event-stream";

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
 * @example
 * class Feed {
 *   @sse("/feed")
 *   feed(stream: EventStream, scope: Scope) {
 *     stream.send("hello", { resumedAfter: stream.lastEventId ?? null }, "1");
 *   }
 * }
 */
export function sse(path: string, options: SseOptions = {}): AexMethodDecorator {
  if (typeof path !== "string" || (path !== "*" && !path.startsWith("/"))) {
    throw new AexError("AEX_ERR_ROUTE_INVALID", String(path));
  }
  return methodDecorator((holder, key) => {
    addRoute(holder, key, {
      methods: ["GET"],
      urls: [path],
      compact: false,
      produces: "text/event-stream",
      handler: ({ app, instance, methodName }) => {
        const streams = openStreams(app);
        const method = (instance as Record<string | symbol, SseHandler>)[methodName];
        return (req, res, scope) => {
          const stream = new EventStream(req, res, options, scope.log as Logger | undefined);
          streams.add(stream);
          void stream.closed.then(() => streams.delete(stream));
          return method.call(instance, stream, scope);
        };
      },
    });
  });
}
