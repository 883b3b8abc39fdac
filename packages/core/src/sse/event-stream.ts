import { constants, type ServerHttp2Stream } from "node:http2";
import type { Socket } from "node:net";
import type { Logger } from "pino";
import { HttpError } from "../errors/http-error";
import type { AexRequest } from "../http/request";
import type { AexResponse } from "../http/response";
import { eventData, eventFrame, oneLine } from "./frame";
import { heartbeatsOf, type Beating } from "./heartbeats";
import type { SseOptions } from "./sse-options";

/** Longest `Last-Event-ID` accepted, in bytes: ids are counters, timestamps, cursors. */
const MAX_LAST_EVENT_ID = 1024;

/**
 * `-1` when `text` has a C0 control other than HTAB, or DEL (no browser echoes one; a NUL
 * makes it ignore the id), `1` when it has bytes past ASCII, `0` for plain ASCII.
 */
function classify(text: string): -1 | 0 | 1 {
  let result: 0 | 1 = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if ((code < 0x20 && code !== 0x09) || code === 0x7f) return -1;
    if (code > 0x7f) result = 1;
  }
  return result;
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * The `Last-Event-ID` a client sent, as the id the server sent it: node reads header bytes
 * as latin1, and a browser sends the id back as UTF-8 (WHATWG HTML §9.2.4). Absent or
 * empty: `undefined`. Longer than {@link MAX_LAST_EVENT_ID} bytes, with a control
 * character, or not UTF-8: 400 `AEX_SSE_LAST_EVENT_ID`, as no browser sends that.
 */
export function readLastEventId(header: string | string[] | undefined): string | undefined {
  if (typeof header !== "string" || header === "") return undefined;
  const kind = header.length > MAX_LAST_EVENT_ID ? -1 : classify(header);
  if (kind === -1) throw invalidLastEventId();
  if (kind === 0) return header;
  try {
    return utf8.decode(Buffer.from(header, "latin1"));
  } catch {
    throw invalidLastEventId();
  }
}

function invalidLastEventId(): HttpError {
  return new HttpError(400, "The Last-Event-ID header is not an id this server sends", {
    code: "AEX_SSE_LAST_EVENT_ID",
  });
}

const HEAD_H2 = {
  "content-type": "text/event-stream; charset=utf-8",
  "cache-control": "no-cache, no-transform",
  // Tells nginx not to buffer the stream.
  "x-accel-buffering": "no",
};
// HTTP/2 has no Connection header (RFC 9113 §8.2.2: node drops it with a warning).
const HEAD = { ...HEAD_H2, connection: "keep-alive" };
const HEARTBEAT = ": heartbeat\n\n";

/** Where a response keeps its stream, for the `close` listener every response shares. */
const STREAM_OF = Symbol("aex.sse.stream");
type Streaming = AexResponse & { [STREAM_OF]?: EventStream };

function onResponseClose(this: AexResponse): void {
  (this as Streaming)[STREAM_OF]?.finish();
}

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
export class EventStream implements Beating {
  /** The `Last-Event-ID` a reconnecting client sent: resume after it. */
  readonly lastEventId: string | undefined;
  private readonly maxBuffered: number;
  // Made on first use: most of 10,000 idle streams never need a signal or a promise, and each
  // was ~400 bytes (issue 29).
  private controller: AbortController | null = null;
  private whenClosed: Promise<void> | null = null;
  private ended = false;
  private readonly endHooks: (() => void)[] = [];
  private readonly log: Logger | { readonly log?: Logger } | undefined;
  /** Bytes of a replay backlog let through above `maxBuffered` until the client has read them. */
  private backlog = 0;

  /**
   * Opens the stream: writes the event-stream headers and starts the heartbeats. Throws
   * the 400 of `readLastEventId` before anything is written.
   *
   * @param req The request the stream answers.
   * @param res The response the events are written to.
   * @param options Heartbeat and buffering.
   * @param log Where a cut stream is logged: a logger, or the scope (its `log` is made only then).
   */
  constructor(
    readonly req: AexRequest,
    readonly res: AexResponse,
    options: SseOptions = {},
    log?: Logger | { readonly log?: Logger },
  ) {
    this.lastEventId = readLastEventId(req.headers["last-event-id"]);
    this.maxBuffered = options.maxBuffered ?? 1024 * 1024;
    this.log = log;
    res.keepOpen = true;
    res.writeHead(200, req.httpVersionMajor >= 2 ? HEAD_H2 : HEAD);
    res.flushHeaders();
    const every = options.heartbeat ?? 15_000;
    if (every > 0) {
      // One timer per app and period (heartbeats.ts); a response of no app gets its own.
      if (res.app !== undefined) this.onEnd(heartbeatsOf(res.app).add(every, this));
      else {
        const timer = setInterval(() => this.beat(), every).unref();
        this.onEnd(() => clearInterval(timer));
      }
    }
    (res as Streaming)[STREAM_OF] = this;
    res.on("close", onResponseClose);
  }

  /** Resolves once the stream ended, whoever ended it. */
  get closed(): Promise<void> {
    return (this.whenClosed ??= this.ended ? Promise.resolve() : new Promise((resolve) => this.onEnd(resolve)));
  }

  /** Aborted when the stream ends: stop timers and subscriptions with it. */
  get signal(): AbortSignal {
    if (this.controller === null) {
      this.controller = new AbortController();
      if (this.ended) this.controller.abort();
    }
    return this.controller.signal;
  }

  /** Whether the stream still sends. */
  get open(): boolean {
    return !this.ended && !this.res.writableEnded;
  }

  /**
   * @internal Runs `hook` once the stream ended (at once if it has): what the app keeps for
   * a stream is released without a promise or a listener per stream.
   */
  onEnd(hook: () => void): void {
    if (this.ended) hook();
    else this.endHooks.push(hook);
  }

  /** @internal A heartbeat: a comment that keeps proxies from closing an idle stream. */
  beat(): void {
    this.write(HEARTBEAT);
  }

  /** @internal The stream ended (its response closed, or it was cut). */
  finish(): void {
    if (this.ended) return;
    this.ended = true;
    this.controller?.abort();
    for (const hook of this.endHooks.splice(0)) hook();
  }

  /**
   * Sends one event: `event` (the client's `addEventListener` name), `data` (strings as
   * they are, anything else as JSON), and an `id` the client sends back as `Last-Event-ID`
   * when it reconnects. Returns false when the client reads slower than it is sent to
   * (wait for {@link EventStream.drained}); past `maxBuffered` the client is cut.
   */
  send(event: string, data: unknown, id?: string): boolean {
    return this.write(eventFrame(event, eventData(data), id));
  }

  /**
   * Writes one or more whole events as they go on the wire: a replay log frames each event
   * once and writes the same bytes to every stream of its channel.
   *
   * @internal
   */
  sendFrame(frame: string | Buffer): boolean {
    return this.write(frame);
  }

  /**
   * Writes what a reconnecting client missed, in one write: its bytes do not count toward
   * `maxBuffered` until the client has read them (`drain`), so a long backlog is not taken for
   * a slow reader; a client that reads nothing is still cut past `maxBuffered` more.
   *
   * @internal
   */
  sendBacklog(frame: string): boolean {
    this.backlog = Buffer.byteLength(frame);
    const flowing = this.write(frame);
    if (flowing || !this.open) this.backlog = 0;
    else this.res.once("drain", () => (this.backlog = 0));
    return flowing;
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

  private write(chunk: string | Buffer): boolean {
    if (!this.open) return false;
    const buffered = this.res.writableLength;
    if (buffered > this.maxBuffered + this.backlog) {
      this.cut(buffered);
      return false;
    }
    return this.res.write(chunk);
  }

  /**
   * A client this far behind is gone or stalled. Ending the response would queue the end
   * behind the bytes it does not read and keep them, and the connection, forever: the
   * connection is reset instead (over HTTP/2, only this stream), which frees both now.
   */
  private cut(buffered: number): void {
    this.finish();
    const log = this.log !== undefined && "warn" in this.log ? this.log : this.log?.log;
    log?.warn({ buffered, maxBuffered: this.maxBuffered }, "SSE client too slow: stream cut");
    const stream = (this.res as unknown as { stream?: ServerHttp2Stream }).stream;
    if (stream !== undefined) {
      stream.close(constants.NGHTTP2_CANCEL);
      return;
    }
    const socket = this.res.socket as Socket | null;
    try {
      // RST: the kernel drops what it still holds for the client too.
      if (socket !== null && typeof socket.resetAndDestroy === "function") return void socket.resetAndDestroy();
    } catch {
      // A TLS socket cannot be reset (node throws ERR_INVALID_HANDLE_TYPE): destroyed below.
    }
    this.res.destroy();
  }
}
