// Over 350 lines: one class, node's ServerResponse API answered with a Web Response (its header
// building and body helpers are beside it, response-headers.ts and body-bytes.ts).
import { EventEmitter } from "node:events";
import { validateHeaderName, validateHeaderValue, type OutgoingHttpHeader, type OutgoingHttpHeaders } from "node:http";
import type { SecurityHeaders } from "../security/headers";
import { invalidHeader } from "../security/invalid-header";
import { isSecure } from "../security/is-secure";
import { TRANSPORT_TLS } from "../security/trust-proxy";
import { byteLength, encoder, hasNoBody, toBody, toBytes } from "./body-bytes";
import type { FetchRequest } from "./fetch-request";
import { responseOf, type HeaderValue, type OwnHeaders } from "./response-headers";
type Callback = (error?: Error | null) => void;

/** @internal Where the `fetch` promise of a response waits for its answer. */
export const RESOLVE: unique symbol = Symbol("aex.fetchResolve");

/** The transport's hook for a response that starts streaming (Bun: no idle timeout for it). */
export type OnStreaming = (request: Request) => void;

/** What a streamed body may hold before `write()` reports `false` (node's default `highWaterMark`). */
const HIGH_WATER_MARK = 16 * 1024;

/** The longest body, by its Content-Length, answered whole though it was written in chunks. */
const HOLD_MAX = 1024 * 1024;

/** Emits the end of an answer: `finish` (when it was sent whole) and `close`, as node does after `end`. */
function emitEnd(res: FetchResponse, finished: boolean): void {
  if (finished) res.emit("finish");
  else res.req.connectionClosed();
  res.emit("close");
}

/**
 * A response as node's `ServerResponse`, as far as Aex, its plugins and handlers use one
 * (status, headers, `headersSent`, `writableEnded`, `close`/`finish`/`drain` events…), which
 * answers with a Web `Response`. It defines only what a transport defines (how a head, a
 * chunk and the end go out: `sendHead`, `rawWrite`, `rawEnd`, `rawFlushHeaders`, `typedEnd`,
 * as the HTTP/2 response does); everything else, the response phase included, is copied from
 * the app's response class (fetch/fetch-classes.ts). A whole body (`res.end(body)`) becomes a
 * `Response` at once; a streamed one (`res.write`, `flushHeaders`: an event stream) a
 * `Response` over a `ReadableStream` whose backpressure `write` reports.
 */
export class FetchResponse {
  /** The status to answer with. */
  declare statusCode: number;
  /** The reason phrase (undefined: the status's own). */
  declare statusMessage: string | undefined;
  /** Whether the head is fixed (it goes out with the `Response`). */
  declare headersSent: boolean;
  declare writableEnded: boolean;
  declare writableFinished: boolean;
  declare destroyed: boolean;
  /** node's keep-alive switch: false answers with `Connection: close`. */
  declare shouldKeepAlive: boolean;
  declare sendDate: boolean;
  /** The answer, once made (the transport returns it). */
  declare response: Response | null;
  /** When the request arrived (ms since the epoch). */
  readonly startedAt: number;
  /** The request this answers. */
  readonly req: FetchRequest;
  /** @internal The `fetch` promise's resolve, when the answer was not ready at once. */
  declare [RESOLVE]: ((response: Response) => void) | null;
  /** @internal The transport's hook for a streamed answer. */
  declare onStreaming: OnStreaming | null;

  // node's EventEmitter methods, copied onto the prototype below (without its constructor).
  declare on: EventEmitter["on"];
  declare once: EventEmitter["once"];
  declare off: EventEmitter["off"];
  declare emit: EventEmitter["emit"];
  declare addListener: EventEmitter["addListener"];
  declare removeListener: EventEmitter["removeListener"];
  declare prependListener: EventEmitter["prependListener"];
  declare listenerCount: EventEmitter["listenerCount"];

  declare private _out: OwnHeaders | null;
  /** How many names `_out` holds (the answer's headers are copied one by one only when there are others than its type). */
  declare private _outCount: number;
  declare private _controller: ReadableStreamDefaultController<Uint8Array> | null;
  declare private _needDrain: boolean;
  /** Chunks held back while a small declared body comes in (see `hold`), or null. */
  declare private _held: Uint8Array[] | null;
  /**
   * The body `typedEnd` sent, whose length the runtime sends as Content-Length itself, for what
   * reads that header (measured when read: most answers have no reader of it); null: none.
   */
  declare private _sized: string | Uint8Array | null;
  declare private _heldBytes: number;
  declare private securityHeaders: SecurityHeaders | null;
  declare private requestIdHeader: string | null;

  constructor(req: FetchRequest) {
    this.req = req;
    this.startedAt = Date.now();
  }

  /** The request's socket facade (its peer and TLS). */
  get socket(): FetchRequest["socket"] {
    return this.req.socket;
  }

  /** node's older name of {@link FetchResponse.socket}. */
  get connection(): FetchRequest["socket"] {
    return this.req.socket;
  }

  /** Whether the response can still be written to. */
  get writable(): boolean {
    return !this.writableEnded && !this.destroyed;
  }

  /** node's deprecated `finished`: `writableEnded`. */
  get finished(): boolean {
    return this.writableEnded;
  }

  /** Bytes of a streamed body waiting for the client to read them. */
  get writableLength(): number {
    const controller = this._controller;
    if (controller === null) return 0;
    return Math.max(0, HIGH_WATER_MARK - (controller.desiredSize ?? HIGH_WATER_MARK));
  }

  get writableHighWaterMark(): number {
    return HIGH_WATER_MARK;
  }

  /** Whether `write()` reported `false` and `drain` has not come yet. */
  get writableNeedDrain(): boolean {
    return this._needDrain;
  }

  /** node's `setHeader`; a value with CR/LF is a 400 `AEX_HEADER_INVALID`, as on node's transport. */
  setHeader(name: string, value: HeaderValue): this {
    if (this.headersSent) throw headersSentError("set");
    checkHeader(name, value);
    this.storeHeader(name.toLowerCase(), name, value);
    return this;
  }

  /** node's `appendHeader`: adds values to a header's. */
  appendHeader(name: string, value: string | readonly string[]): this {
    if (this.headersSent) throw headersSentError("set");
    checkHeader(name, value);
    const lower = name.toLowerCase();
    const current = this._out?.[lower]?.[1];
    if (current === undefined) this.storeHeader(lower, name, value);
    else this.storeHeader(lower, name, (Array.isArray(current) ? current : [String(current)]).concat(value));
    return this;
  }

  getHeader(name: string): HeaderValue | undefined {
    const lower = name.toLowerCase();
    const value = this._out?.[lower]?.[1];
    return value === undefined && lower === "content-length" && this._sized !== null ? byteLength(this._sized) : value;
  }

  getHeaders(): OutgoingHttpHeaders {
    const headers = Object.create(null) as OutgoingHttpHeaders;
    const out = this._out;
    if (out !== null) for (const name in out) headers[name] = out[name][1] as OutgoingHttpHeader;
    return headers;
  }

  getHeaderNames(): string[] {
    return this._out === null ? [] : Object.keys(this._out);
  }

  hasHeader(name: string): boolean {
    return this._out?.[name.toLowerCase()] !== undefined;
  }

  removeHeader(name: string): void {
    if (this.headersSent) throw headersSentError("remove");
    const out = this._out;
    const lower = name.toLowerCase();
    if (out === null || out[lower] === undefined) return;
    delete out[lower];
    this._outCount--;
  }

  /** `100 Continue` is the runtime's to send. */
  writeContinue(): void {}

  /** node's `setTimeout`: the transport keeps time. */
  setTimeout(_ms: number, _callback?: () => void): this {
    return this;
  }

  cork(): void {}

  uncork(): void {}

  /**
   * @internal The one way a head goes out here: the status, message and headers are fixed;
   * the security headers and the request id join them when the `Response` is made.
   */
  sendHead(
    statusCode: number,
    reason?: string | OutgoingHttpHeaders | readonly OutgoingHttpHeader[],
    headers?: OutgoingHttpHeaders | readonly OutgoingHttpHeader[],
  ): this {
    if (this.headersSent) throw headersSentError("set");
    // `Response` takes 200 to 599; node's range is wider, but nothing else goes over this transport.
    if (!Number.isInteger(statusCode) || statusCode < 200 || statusCode > 599) {
      throw new RangeError(`Invalid status code: ${statusCode} (aex.fetch answers 200 to 599)`);
    }
    this.statusCode = statusCode;
    if (typeof reason === "string") this.statusMessage = reason;
    else headers = reason;
    if (headers !== undefined && headers !== null) this.mergeHeaders(headers);
    this.headersSent = true;
    return this;
  }

  /** @internal A chunk of a streamed body: the answer starts streaming with the first. */
  rawWrite(chunk: unknown, encoding?: BufferEncoding | Callback, callback?: Callback): boolean {
    if (typeof encoding === "function") [callback, encoding] = [encoding, undefined];
    if (this.writableEnded || this.destroyed) return false;
    if (!this.headersSent) this.sendHead(this.statusCode);
    const bytes = chunk === undefined || chunk === null ? null : toBytes(chunk, encoding);
    if (bytes !== null && this.hold(bytes)) {
      if (callback !== undefined) process.nextTick(callback, null);
      return true;
    }
    const controller = this.openBody();
    if (controller !== null && bytes !== null) {
      if (bytes.byteLength > 0) controller.enqueue(bytes);
      if ((controller.desiredSize ?? 1) <= 0) this._needDrain = true;
    }
    if (callback !== undefined) process.nextTick(callback, null);
    return !this._needDrain;
  }

  /**
   * Keeps `bytes` back while the whole body, as its Content-Length declares it, fits in
   * {@link HOLD_MAX}: a runtime streams a `ReadableStream` body chunked and drops the
   * Content-Length (Bun.serve does), so a small file piped in chunks (`@serve`) is answered
   * whole, with its length, instead. False once the body streams.
   */
  private hold(bytes: Uint8Array): boolean {
    let held = this._held;
    if (held === null) {
      if (this._controller !== null || this.response !== null) return false;
      const declared = Number(this.getHeader("content-length"));
      if (!(declared > 0 && declared <= HOLD_MAX)) return false;
      held = this._held = [];
    }
    held.push(bytes);
    this._heldBytes += bytes.byteLength;
    if (this._heldBytes <= HOLD_MAX) return true;
    // Longer than declared: it streams after all, from what was held (the caller writes `bytes`).
    this._held = null;
    held.pop();
    const controller = this.openBody();
    if (controller !== null) for (const one of held) controller.enqueue(one);
    return false;
  }

  /** @internal Ends the answer: a whole body becomes the `Response`; a streamed one closes. */
  rawEnd(chunk?: unknown, encoding?: BufferEncoding | (() => void), callback?: () => void): this {
    if (typeof chunk === "function") [chunk, callback, encoding] = [undefined, chunk as () => void, undefined];
    else if (typeof encoding === "function") [callback, encoding] = [encoding, undefined];
    if (this.writableEnded) {
      if (callback !== undefined) process.nextTick(callback);
      return this;
    }
    if (!this.headersSent) this.sendHead(this.statusCode);
    this.writableEnded = true;
    const controller = this._controller;
    if (controller !== null) {
      if (chunk !== undefined && chunk !== null && !this.destroyed) {
        const bytes = toBytes(chunk, encoding);
        if (bytes.byteLength > 0) controller.enqueue(bytes);
      }
      if (!this.destroyed) controller.close();
    } else if (this.response === null) {
      let body = chunk === undefined || chunk === null || hasNoBody(this.statusCode) ? null : toBody(chunk, encoding);
      const held = this._held;
      if (held !== null) {
        if (body !== null) held.push(typeof body === "string" ? encoder.encode(body) : body);
        body = held.length === 1 ? held[0] : Buffer.concat(held);
        this._held = null;
      }
      // A hook may have replaced the body `typedEnd` measured: what reads the length gets the sent one.
      if (this._sized !== null && body !== null) this._sized = body;
      if (this.req.method !== "HEAD") this.deliver(body);
      else {
        // HEAD: the GET's length, no body (node says it too when `end` is given the body).
        if (body !== null && !this.hasHeader("content-length"))
          this.storeHeader("content-length", "Content-Length", byteLength(body));
        this.deliver(null);
      }
    }
    if (!this.destroyed) this.writableFinished = true;
    if (callback !== undefined) process.nextTick(callback);
    // Most answers have nobody listening for their end (no request log, no upload to clean up).
    if ((this as unknown as { _eventsCount: number })._eventsCount > 0) {
      process.nextTick(emitEnd, this, this.writableFinished);
    }
    return this;
  }

  /** @internal The head goes out now, the body to follow (an event stream). */
  rawFlushHeaders(): void {
    if (!this.headersSent) this.sendHead(this.statusCode);
    const held = this._held;
    this._held = null;
    const controller = this.openBody();
    if (controller !== null && held !== null) for (const one of held) controller.enqueue(one);
  }

  /** `res.json`/`res.send`: the type unless one is set, then the body. */
  typedEnd(body: string | Uint8Array, head: { "content-type": string }): void {
    if (!this.headersSent) {
      const out = this._out;
      if (out === null || out["content-type"] === undefined) {
        this.storeHeader("content-type", "Content-Type", head["content-type"]);
      }
      // Kept, as node keeps it, for what reads the length sent (request logs, metrics); a hook
      // that replaces the body updates it (http/response.ts).
      // Not sent as a header: the runtime says it from the body itself.
      if (out === null || out["content-length"] === undefined) this._sized = body;
    }
    (this as unknown as { end(body: unknown): void }).end(body);
  }

  /** Sets a header Aex made itself (already valid), without `setHeader`'s checks. */
  private storeHeader(lower: string, name: string, value: HeaderValue): void {
    const out = (this._out ??= Object.create(null) as OwnHeaders);
    if (out[lower] === undefined) this._outCount++;
    out[lower] = [name, value];
  }

  /**
   * Ends the answer at once: a streamed body is cut (the client sees it fail), an answer not
   * made yet becomes a network error.
   */
  destroy(error?: Error): this {
    if (this.destroyed) return this;
    this.destroyed = true;
    const controller = this._controller;
    if (controller !== null) {
      try {
        controller.error(error ?? new Error("The response was destroyed"));
      } catch {
        // Closed already.
      }
    } else if (this.response === null) this.settle(Response.error());
    process.nextTick(emitEnd, this, false);
    return this;
  }

  /** The streamed body's controller, made (and the answer sent) on first use; null for HEAD. */
  private openBody(): ReadableStreamDefaultController<Uint8Array> | null {
    if (this._controller !== null || this.response !== null) return this._controller;
    if (this.req.method === "HEAD" || hasNoBody(this.statusCode)) {
      this.deliver(null);
      return null;
    }
    const body = new ReadableStream<Uint8Array>(
      {
        start: (controller) => {
          this._controller = controller;
        },
        pull: () => {
          if (!this._needDrain) return;
          this._needDrain = false;
          this.emit("drain");
        },
        cancel: () => {
          // The client is gone: the answer ends unfinished.
          if (this.destroyed) return;
          this.destroyed = true;
          this._needDrain = false;
          process.nextTick(emitEnd, this, false);
        },
      },
      { highWaterMark: HIGH_WATER_MARK, size: (chunk) => chunk.byteLength },
    );
    this.deliver(body);
    this.onStreaming?.(this.req.request);
    return this._controller;
  }

  /** Makes the `Response` with the head as it stands, and hands it to the transport. */
  private deliver(body: string | Uint8Array | ReadableStream<Uint8Array> | null): void {
    // node sends no Content-Type it was not given; `Response` would say text/plain for a string.
    if (typeof body === "string" && this._out?.["content-type"] === undefined) body = Buffer.from(body);
    let response: Response;
    try {
      const req = this.req;
      // No proxy trusted: TLS is the URL's scheme, without making the socket facade.
      const trust = (req as unknown as { trustProxy?: unknown }).trustProxy;
      const tls =
        this.securityHeaders?.hsts != null &&
        (trust === null || trust === undefined
          ? req[TRANSPORT_TLS]
          : isSecure(req as unknown as Parameters<typeof isSecure>[0]));
      const id = this.requestIdHeader === null ? undefined : (req as unknown as { id?: string }).id;
      response = responseOf(
        body as ConstructorParameters<typeof Response>[0],
        this.statusCode,
        this.statusMessage,
        this._out,
        this._outCount,
        this.securityHeaders,
        tls,
        this.requestIdHeader,
        id,
        this.shouldKeepAlive,
      );
    } catch (error) {
      // A head `Response` refuses (a status text with a newline): the client gets a 500.
      (this as { app?: { log: { error(fields: object, message: string): void } } }).app?.log.error(
        { err: error },
        "aex.fetch could not make the Response",
      );
      response = new Response(null, { status: 500 });
    }
    this.settle(response);
  }

  private settle(response: Response): void {
    this.response = response;
    const resolve = this[RESOLVE];
    if (resolve === null) return;
    this[RESOLVE] = null;
    const lingering = this.req.lingering;
    if (lingering === null) resolve(response);
    else void lingering.then(() => resolve(response));
  }

  private mergeHeaders(headers: OutgoingHttpHeaders | readonly OutgoingHttpHeader[]): void {
    if (!Array.isArray(headers)) {
      const given = headers as OutgoingHttpHeaders;
      for (const name in given) {
        const value = given[name];
        if (value !== undefined) this.setHeader(name, value);
      }
      return;
    }
    // [[name, value]…] or [name, value, name, value…]; a repeated name keeps every value.
    const list = headers as readonly unknown[];
    const pairs = Array.isArray(list[0]);
    const seen = new Set<string>();
    for (let i = 0; i < list.length; i += pairs ? 1 : 2) {
      const name = String(pairs ? (list[i] as unknown[])[0] : list[i]);
      const value = String(pairs ? (list[i] as unknown[])[1] : list[i + 1]);
      const lower = name.toLowerCase();
      if (seen.has(lower)) this.appendHeader(name, value);
      else {
        seen.add(lower);
        this.setHeader(name, value);
      }
    }
  }
}

/** The characters node refuses in a header value (its `checkInvalidHeaderChar`). */
const INVALID_VALUE_CHAR = /[^\t\x20-\x7e\x80-\xff]/;

/**
 * node's check of a header value: a plain valid string passes on one test of node's own
 * pattern; anything else goes to node's validator, which throws node's error (Bun's
 * `validateHeaderValue` took 127 ns a value, the test 6 ns; measured on Bun 1.4.5).
 */
function checkValue(name: string, value: unknown): void {
  if (typeof value !== "string" || INVALID_VALUE_CHAR.test(value)) validateHeaderValue(name, value as string);
}

/** node's checks of a header a handler sets; a name or value it refuses is a 400 `AEX_HEADER_INVALID`. */
function checkHeader(name: string, value: HeaderValue): void {
  try {
    validateHeaderName(name);
    if (Array.isArray(value)) for (const one of value) checkValue(name, one);
    else checkValue(name, value);
  } catch (error) {
    throw invalidHeader(error);
  }
}

function headersSentError(what: string): Error {
  return Object.assign(new Error(`Cannot ${what} headers after they are sent to the client`), {
    code: "ERR_HTTP_HEADERS_SENT",
  });
}

// node's EventEmitter, without its constructor: it makes its listener table on first use.
for (const key of Reflect.ownKeys(EventEmitter.prototype)) {
  if (key === "constructor") continue;
  Object.defineProperty(FetchResponse.prototype, key, Object.getOwnPropertyDescriptor(EventEmitter.prototype, key)!);
}

Object.assign(FetchResponse.prototype, {
  statusCode: 200,
  statusMessage: undefined,
  headersSent: false,
  writableEnded: false,
  writableFinished: false,
  destroyed: false,
  shouldKeepAlive: true,
  sendDate: true,
  response: null,
  onStreaming: null,
  securityHeaders: null,
  requestIdHeader: null,
  _out: null,
  _outCount: 0,
  _controller: null,
  _needDrain: false,
  _held: null,
  _sized: null,
  _heldBytes: 0,
  _events: undefined,
  _eventsCount: 0,
  _maxListeners: undefined,
  [RESOLVE]: null,
});
