// Over 350 lines: one class, node's IncomingMessage API over a Web Request (its body readers are
// beside it, light-body.ts and web-body.ts; its Host check, fetch-host.ts).
import type { IncomingHttpHeaders } from "node:http";
import type { Readable } from "node:stream";
import { LINGER } from "../parsers/linger-close";
import { TRANSPORT_TLS } from "../security/trust-proxy";
import type { BodyLimits } from "../parsers/body-limits";
import { LightBody } from "./light-body";
import { WebBody, WHOLE_BODY_MAX } from "./web-body";
import { FetchSocket, type PeerSource } from "./fetch-socket";

type Listener = (...args: unknown[]) => void;

/** Milliseconds a refused body may go silent while it is drained before the answer goes out anyway. */
const LINGER_IDLE = 500;

/** The `Readable` methods a request's body is read with; each makes the body stream on first use. */
const BODY_METHODS = [
  "on",
  "addListener",
  "once",
  "prependListener",
  "prependOnceListener",
  "off",
  "removeListener",
  "removeAllListeners",
  "emit",
  "listeners",
  "rawListeners",
  "listenerCount",
  "eventNames",
  "pipe",
  "unpipe",
  "resume",
  "pause",
  "isPaused",
  "read",
  "setEncoding",
  "unshift",
  "wrap",
  Symbol.asyncIterator,
] as const;

/**
 * A Web `Request` seen as node's `IncomingMessage`, as far as Aex and the parsers read one:
 * `method`, `url` (path and query), `headers` (lower-case names, built on first read),
 * `rawHeaders`, `httpVersion` 1.1, a `socket` with the peer's address and TLS, and the body
 * as a node stream made on first use ({@link WebBody}). An app's request helpers (`ip`,
 * `cookies`, `get`…) are copied onto a subclass's prototype (fetch/fetch-classes.ts).
 */
export class FetchRequest {
  /** The request method. */
  method: string;
  /** The path and query, as node's `req.url` has them. */
  url: string;
  declare readonly httpVersion: string;
  declare readonly httpVersionMajor: number;
  declare readonly httpVersionMinor: number;
  /** The `Request` this facade reads. */
  readonly request: Request;
  /** @internal Where the runtime's answer waits while a refused body is drained (see {@link LINGER}). */
  declare lingering: Promise<void> | null;

  private _headers: IncomingHttpHeaders | null = null;
  private _socket: FetchSocket | null = null;
  private _body: Readable | null = null;
  /** A small body read without a stream (see {@link LightBody}), until something needs one. */
  private _light: LightBody | null = null;
  private _hasBody: boolean | null = null;
  private readonly _ip: string | undefined;
  private readonly _peer: PeerSource | null;
  /** The request's URL, read once. */
  private readonly _href: string;
  /** Where the path starts in the request's URL. */
  private readonly _origin: number;

  /**
   * @param ip The client's address, when the transport knows it.
   * @param peer Else what to ask it of, when something first reads it (Bun's `server.requestIP`).
   */
  constructor(request: Request, ip: string | undefined, peer: PeerSource | null = null) {
    this.request = request;
    this.method = request.method;
    const href = request.url;
    this._href = href;
    // `http://authority/path?query`: the path starts at the first `/` after `://` (index 7 or 8).
    // Bun.serve gives a Host it cannot make a URL of (empty, `evil example`) as a bare path.
    const origin = href.charCodeAt(0) === 47 /* / */ ? 0 : href.indexOf("/", 8);
    this._origin = origin === -1 ? href.length : origin;
    this.url = origin === -1 ? "/" : href.slice(origin);
    this._ip = ip;
    this._peer = peer;
  }

  /** The Host the request names: the authority of its URL (the runtime made the URL from `Host`). */
  get authority(): string {
    if (this._origin === 0) return "";
    const href = this._href;
    return href.slice(href.indexOf("//") + 2, this._origin);
  }

  /** Whether {@link FetchRequest.authority} is `host`, read in place (no string made). */
  namesHost(host: string): boolean {
    if (this._origin === 0) return host === "";
    const href = this._href;
    const start = href.indexOf("//") + 2;
    return this._origin - start === host.length && href.startsWith(host, start);
  }

  /** Whether the request came over TLS: its URL's scheme is `https`. */
  get tls(): boolean {
    return this[TRANSPORT_TLS];
  }

  /** {@link FetchRequest.tls} under a symbol, for `isSecure()` and HSTS: an app may shadow `tls`, not this. */
  get [TRANSPORT_TLS](): boolean {
    return this._href.charCodeAt(4) === 115; /* https */
  }

  /** Request headers, lower-case names (node's shape), built from the `Request` on first read. */
  get headers(): IncomingHttpHeaders {
    return (this._headers ??= this.buildHeaders());
  }

  set headers(value: IncomingHttpHeaders) {
    this._headers = value;
  }

  /** `[name, value, name, value…]`, as node's `rawHeaders` (names lower-case). */
  get rawHeaders(): string[] {
    const raw: string[] = [];
    const headers = this.headers;
    for (const name in headers) {
      const value = headers[name];
      if (Array.isArray(value)) for (const one of value) raw.push(name, one);
      else if (value !== undefined) raw.push(name, value);
    }
    return raw;
  }

  /** The peer's address and whether it spoke TLS; node code reads `req.socket`. */
  get socket(): FetchSocket {
    return (this._socket ??= new FetchSocket(this.request, this._ip, this._peer, this[TRANSPORT_TLS]));
  }

  /**
   * The transport gave up this request's connection (the client went away, or the answer was
   * cut): its socket facade says `close`, as a node socket would, if anyone made it.
   */
  connectionClosed(): void {
    const socket = this._socket;
    if (socket === null || socket.destroyed) return;
    (socket as { destroyed: boolean }).destroyed = true;
    socket.emit("close", false);
  }

  /** node's older name of {@link FetchRequest.socket}. */
  get connection(): FetchSocket {
    return this.socket;
  }

  /** Whether the whole body has been received: at once for a request without one. */
  get complete(): boolean {
    const body = this._body ?? this._light;
    return body === null ? !this.hasBody() : body.readableEnded;
  }

  /** Whether the body can still be read. */
  get readable(): boolean {
    const body = this._body ?? this._light;
    return body === null ? this.hasBody() : body.readable;
  }

  /** Whether the body has ended (node's `readableEnded`). */
  get readableEnded(): boolean {
    return this.complete;
  }

  /** node's stream state, which raw-body (body-parser) reads to check the body is not decoded already. */
  get _readableState(): unknown {
    return (this.bodyStream() as unknown as { _readableState: unknown })._readableState;
  }

  /** Whether the client closed the connection (never seen before the answer: the runtime keeps it). */
  get aborted(): boolean {
    return false;
  }

  /** The body as a node stream, made on first use (`req.body` is the parsed body, as on node). */
  bodyStream(): Readable {
    if (this._body !== null) return this._body;
    if (this._light !== null) return (this._body = this._light.toReadable());
    return (this._body = new WebBody(this.request, this.hasBody() ? this.contentLength() : null));
  }

  /**
   * What a listener-only call (`on`, `off`, `resume`…) reads the body through: a small body of
   * known length without a stream ({@link LightBody}), any other through {@link bodyStream}.
   */
  bodyEvents(): Readable | LightBody {
    if (this._body !== null) return this._body;
    if (this._light !== null) return this._light;
    const length = this.hasBody() ? this.contentLength() : -1;
    if (length >= 0 && length <= WHOLE_BODY_MAX) return (this._light = new LightBody(this.request));
    return this.bodyStream();
  }

  /** node's `setTimeout` on the request: the transport keeps time (`idleTimeout`, Aex's own limits). */
  setTimeout(_ms: number, _callback?: () => void): this {
    return this;
  }

  /** Stops reading the body and drops it. */
  destroy(error?: Error): this {
    const body = this._body ?? this._light;
    body?.destroy(error);
    if (body === null && this.hasBody()) this.request.body?.cancel().catch(noop);
    return this;
  }

  /**
   * After a refused body (a 413, a 408): reads and drops what the client still sends, up to
   * `drainLimit` bytes or `lingerTimeout` ms, and keeps the answer back until then. A runtime
   * with a `fetch` handler (Bun) closes the connection once the answer went out if the body was
   * not read, and a client still sending then gets a reset instead of the answer; node's
   * transport answers first and drains after (parsers/linger-close.ts).
   */
  [LINGER](limits: BodyLimits): void {
    if (this.lingering !== null || this.complete) return;
    // A body declared longer than the drain limit is not drained at all: answer now.
    if (this.contentLength() > limits.drainLimit) return;
    const body = this.bodyStream();
    this.lingering = new Promise<void>((resolve) => {
      let drained = 0;
      const done = () => {
        clearTimeout(timer);
        clearTimeout(idle);
        body.off("data", count);
        resolve();
      };
      const giveUp = () => {
        body.destroy();
        done();
      };
      // A client that stopped sending is not waited for long: its answer matters more.
      const quiet = Math.min(limits.lingerTimeout, LINGER_IDLE);
      let idle = setTimeout(giveUp, quiet);
      const count = (chunk: Buffer) => {
        drained += chunk.length;
        if (drained > limits.drainLimit) return giveUp();
        clearTimeout(idle);
        idle = setTimeout(giveUp, quiet);
      };
      const timer = setTimeout(giveUp, limits.lingerTimeout);
      timer.unref();
      body.on("data", count);
      body.once("end", done);
      body.once("close", done);
      body.resume();
    });
  }

  private hasBody(): boolean {
    if (this._hasBody !== null) return this._hasBody;
    const method = this.method;
    // Bun gives GET and HEAD requests no body.
    if (method === "GET" || method === "HEAD") return (this._hasBody = false);
    // Framing headers first: reading `request.body` makes a stream (Bun), which the body may never need.
    const given = this.request.headers;
    const length = given.get("content-length");
    if (length !== null) return (this._hasBody = length !== "0");
    if (given.has("transfer-encoding")) return (this._hasBody = true);
    return (this._hasBody = this.request.body !== null);
  }

  /** The Content-Length the client sent, or -1. */
  private contentLength(): number {
    const given = this.headers["content-length"];
    const length = given === undefined ? Number.NaN : Number(given);
    return Number.isInteger(length) && length >= 0 ? length : -1;
  }

  private buildHeaders(): IncomingHttpHeaders {
    const source = this.request.headers as Headers & { toJSON?: () => Record<string, string | string[]> };
    // Bun's Headers have toJSON (names lower-case, one native call); undici's are iterated.
    let headers: IncomingHttpHeaders;
    if (typeof source.toJSON === "function") headers = source.toJSON() as IncomingHttpHeaders;
    else {
      headers = {};
      for (const [name, value] of source) headers[name] = value;
    }
    // A `Request` made in code (undici) has no Host: its URL's authority is its host; a bare path names none.
    if (headers.host === undefined && this._origin !== 0) headers.host = this.authority;
    // A body of unknown length is chunked, as node's parsers expect to be told.
    if (headers["content-length"] === undefined && headers["transfer-encoding"] === undefined && this.hasBody()) {
      headers["transfer-encoding"] = "chunked";
    }
    return headers;
  }
}

/** The methods a {@link LightBody} serves; any other makes the body a stream. */
const LIGHT_METHODS: ReadonlySet<PropertyKey> = new Set([
  "on",
  "addListener",
  "once",
  "off",
  "removeListener",
  "emit",
  "listenerCount",
  "listeners",
  "rawListeners",
  "eventNames",
  "removeAllListeners",
  "resume",
  "pause",
  "isPaused",
]);

/** Listener methods, `(event, listener)`: called without a rest array (the JSON reader calls them per request). */
const PAIR_METHODS: ReadonlySet<PropertyKey> = new Set(["on", "addListener", "once", "off", "removeListener"]);

for (const name of BODY_METHODS) {
  const light = LIGHT_METHODS.has(name);
  const pair = PAIR_METHODS.has(name);
  Object.defineProperty(FetchRequest.prototype, name, {
    value: pair
      ? function (this: FetchRequest, event: string | symbol, listener: Listener): unknown {
          const body = this.bodyEvents() as unknown as Record<PropertyKey, (e: unknown, l: unknown) => unknown>;
          const result = body[name as PropertyKey](event, listener);
          return result === body ? this : result;
        }
      : function (this: FetchRequest, ...args: unknown[]): unknown {
          const body = (light ? this.bodyEvents() : this.bodyStream()) as unknown as Record<
            PropertyKey,
            (...a: unknown[]) => unknown
          >;
          const result = body[name as PropertyKey](...args);
          // Chainable calls return the request, as on node's IncomingMessage.
          return result === body ? this : result;
        },
    writable: true,
    configurable: true,
  });
}

Object.assign(FetchRequest.prototype, {
  // A Web Request has no trailers: node's empty ones, shared.
  trailers: Object.freeze({}),
  rawTrailers: Object.freeze([]),
  httpVersion: "1.1",
  httpVersionMajor: 1,
  httpVersionMinor: 1,
  lingering: null,
});

function noop(): void {}
