import type { AexRequest } from "../http/request";
import type { AexResponse } from "../http/response";

/** Options of `@sse(path, options)`. */
export interface SseOptions {
  /** Milliseconds between heartbeat comments that keep proxies from closing an idle stream. `0`: off. Default 15 000. */
  heartbeat?: number;
  /** Bytes allowed to wait for a slow client; past them the stream is ended. Default 1 MiB. */
  maxBuffered?: number;
}

const HEAD = {
  "content-type": "text/event-stream; charset=utf-8",
  "cache-control": "no-cache, no-transform",
  connection: "keep-alive",
  // Tells nginx not to buffer the stream.
  "x-accel-buffering": "no",
};

/** One line of a field: a line break inside would start a new field (WHATWG HTML §9.2). */
const oneLine = (value: string) => value.replace(/[\r\n]/g, " ");

/**
 * An open `text/event-stream` (Server-Sent Events), as an `@sse` method gets it. Data
 * that is not a string is sent as JSON. It ends when the client disconnects, when the
 * app closes, or with `end()`; `closed` and `signal` tell the handler.
 *
 * @example
 * @sse("/feed")
 * feed(stream: EventStream) {
 *   let n = Number(stream.lastEventId ?? 0);
 *   const timer = setInterval(() => stream.send("tick", { n: ++n }, String(n)), 1000);
 *   stream.signal.addEventListener("abort", () => clearInterval(timer));
 * }
 */
export class EventStream {
  /** The `Last-Event-ID` a reconnecting client sent: resume after it. */
  readonly lastEventId: string | undefined;
  /** Resolves once the stream ended, whoever ended it. */
  readonly closed: Promise<void>;
  private readonly controller = new AbortController();
  private readonly heartbeat: NodeJS.Timeout | null;
  private readonly maxBuffered: number;

  /**
   * Opens the stream: writes the event-stream headers and starts the heartbeats.
   *
   * @param req The request the stream answers.
   * @param res The response the events are written to.
   * @param options Heartbeat and buffering.
   */
  constructor(
    readonly req: AexRequest,
    readonly res: AexResponse,
    options: SseOptions = {},
  ) {
    const header = req.headers["last-event-id"];
    this.lastEventId = typeof header === "string" && header !== "" ? header : undefined;
    this.maxBuffered = options.maxBuffered ?? 1024 * 1024;
    res.keepOpen = true;
    res.writeHead(200, HEAD);
    res.flushHeaders();
    const every = options.heartbeat ?? 15_000;
    this.heartbeat = every > 0 ? setInterval(() => this.comment("heartbeat"), every) : null;
    this.heartbeat?.unref();
    this.closed = new Promise((resolve) => {
      res.once("close", () => {
        if (this.heartbeat !== null) clearInterval(this.heartbeat);
        this.controller.abort();
        resolve();
      });
    });
  }

  /** Aborted when the stream ends: stop timers and subscriptions with it. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Whether the stream still sends. */
  get open(): boolean {
    return !this.controller.signal.aborted && !this.res.writableEnded;
  }

  /**
   * Sends one event: `event` (the client's `addEventListener` name), `data` (strings as
   * they are, anything else as JSON), and an `id` the client sends back as `Last-Event-ID`
   * when it reconnects. Returns false when the client reads slower than it is sent to
   * (wait for {@link EventStream.drained}); past `maxBuffered` the stream is ended.
   */
  send(event: string, data: unknown, id?: string): boolean {
    const text = typeof data === "string" ? data : JSON.stringify(data ?? null);
    let frame = event === "message" ? "" : `event: ${oneLine(event)}\n`;
    if (id !== undefined) frame += `id: ${oneLine(id)}\n`;
    for (const line of text.split(/\r\n|\r|\n/)) frame += `data: ${line}\n`;
    return this.write(`${frame}\n`);
  }

  /** Sends a comment line (ignored by clients; heartbeats are comments). */
  comment(text: string): boolean {
    return this.write(`: ${oneLine(text)}\n\n`);
  }

  /** Resolves when the client has read what waits for it (or the stream ended). */
  drained(): Promise<void> {
    if (!this.open || !this.res.writableNeedDrain) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        this.res.off("drain", done);
        this.res.off("close", done);
        resolve();
      };
      this.res.once("drain", done);
      this.res.once("close", done);
    });
  }

  /** Ends the stream. */
  end(): void {
    if (!this.res.writableEnded) this.res.end();
  }

  private write(chunk: string): boolean {
    if (!this.open) return false;
    if (this.res.writableLength > this.maxBuffered) {
      // A client this far behind is gone or stalled: free its buffer rather than grow it.
      this.end();
      return false;
    }
    return this.res.write(chunk);
  }
}
