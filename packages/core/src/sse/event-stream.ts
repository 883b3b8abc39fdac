import { constants, type ServerHttp2Stream } from "node:http2";
import type { Socket } from "node:net";
import type { Logger } from "pino";
import { HttpError } from "../errors/http-error";
import type { AexRequest } from "../http/request";
import type { AexResponse } from "../http/response";
import { eventData, eventFrame, oneLine } from "./frame";
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
   * Opens the stream: writes the event-stream headers and starts the heartbeats. Throws
   * the 400 of `readLastEventId` before anything is written.
   *
   * @param req The request the stream answers.
   * @param res The response the events are written to.
   * @param options Heartbeat and buffering.
   * @param log Where a cut stream is logged (`scope.log`).
   */
  constructor(
    readonly req: AexRequest,
    readonly res: AexResponse,
    options: SseOptions = {},
    private readonly log?: Logger,
  ) {
    this.lastEventId = readLastEventId(req.headers["last-event-id"]);
    this.maxBuffered = options.maxBuffered ?? 1024 * 1024;
    res.keepOpen = true;
    res.writeHead(200, req.httpVersionMajor >= 2 ? HEAD_H2 : HEAD);
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
    if (buffered > this.maxBuffered) {
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
    this.controller.abort();
    this.log?.warn({ buffered, maxBuffered: this.maxBuffered }, "SSE client too slow: stream cut");
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
