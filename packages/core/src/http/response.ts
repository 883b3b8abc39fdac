// Over 350 lines: one class, node's ServerResponse with the response phase and Aex's helpers;
// split in two, the phase's hook types would tie the base class's file to the subclass's.
import type { AexApp } from "../registry/app-ref";
import { randomBytes } from "node:crypto";
import { ServerResponse, type OutgoingHttpHeader, type OutgoingHttpHeaders } from "node:http";
import type { AexRequest } from "./request";
import { ResponseCookies } from "./cookies";
import { HttpError, toHttpError } from "../errors/http-error";
import { sendError } from "./send-error";
import { runBeforeEnd } from "./before-end";
import { EMPTY_PHASE, PHASE, SCOPE, type Phase, type SendBody } from "./response-phase";
import type { Scope } from "../scope/scope";
import { isPromise } from "../pipeline/is-promise";
import type { Readable, Writable } from "node:stream";
import { addRequestId, addSecurityHeaders, hasHeadersSet, setsHeaderOf } from "../security/apply-headers";
import { CAN_SPLICE_HEAD, spliceHeadLines, writeHeadWithLines } from "../security/head-splice";
import type { SecurityHeaders } from "../security/headers";
import { isSecure } from "../security/is-secure";
import { invalidHeader } from "../security/invalid-header";
import { SLOT } from "./slot-list";
import { WATCHED_BY, type Watchdog } from "./watchdog";

const JSON_TYPE = "application/json; charset=utf-8";
const TEXT_TYPE = "text/plain; charset=utf-8";
const HTML_TYPE = "text/html; charset=utf-8";
const BINARY_TYPE = "application/octet-stream";
const JSON_HEAD = { "content-type": JSON_TYPE };
const TEXT_HEAD = { "content-type": TEXT_TYPE };
const HTML_HEAD = { "content-type": HTML_TYPE };
const BINARY_HEAD = { "content-type": BINARY_TYPE };
// The headers of a plain answer, filled per response and read synchronously by writeHead:
// one array each serves every response.
const TYPE_LENGTH = ["content-type", "", "content-length", ""];

/** @internal Set once the body goes out: a `writeHead` from then on is the real one. */
export const SENDING: unique symbol = Symbol("aex.sending");
/** @internal Where a streamed body is written when the phase transforms it (null: straight out). */
export const STREAM: unique symbol = Symbol("aex.stream");

/**
 * Writes the JSON bodies of one route's responses in place of `JSON.stringify`:
 * `res.json(data)` (and `res.ok`, `res.send` of an object) hand `data` to the writer a step
 * set on the response (`res.jsonWriter`). `@aex/openapi`'s `@returns` sets one that checks
 * a body against its status's schema and writes it with fast-json-stringify; core knows
 * no schema. Build it once, at `prepare()`: it serves every request of its route.
 *
 * @example
 * const sorted: JsonWriter = {
 *   send(res, data) {
 *     res.typedEnd(JSON.stringify(data, Object.keys(data as object).sort()), { "content-type": "application/json" });
 *   },
 * };
 * addStep(holder, key, { name: "sorted", build: () => (_req, res) => void (res.jsonWriter = sorted) });
 */
export interface JsonWriter {
  /**
   * Sends `data` as the JSON body of `res` (its status already set), with `res.typedEnd`,
   * or answers an error with `res.failed(error)`.
   */
  send(res: AexResponse, data: unknown): void;
}

/**
 * The response object Aex's server creates (`http.createServer({ ServerResponse })`).
 * Its helpers live on the prototype, so a request pays for none it does not call.
 *
 * @example
 * res.status(201).json({ id: 7 });
 */
export class AexResponse extends ServerResponse<AexRequest> {
  /** When the response object was created (ms since the epoch); the request's start. */
  declare readonly startedAt: number;

  // Spelled out: a field initializer would compile to `super(...arguments)`, which every
  // request pays for.
  constructor(req: AexRequest, options?: object) {
    // @ts-expect-error node passes (req, options) (highWaterMark…); @types/node declares req only
    super(req, options);
    (this as { startedAt: number }).startedAt = Date.now();
  }

  /**
   * A stream meant to stay open (an SSE feed): the handler timeout leaves it alone.
   * Set by the step that opens it.
   */
  declare keepOpen: boolean;
  /** The app serving this response (set once per app, on its response class). */
  declare readonly app?: AexApp;
  private _cookies?: ResponseCookies;
  // Defaults live on the prototype (below the class): nothing to set per request.
  declare private _beforeEnd: (() => unknown)[] | null;
  declare private _ending: boolean;
  declare private _endCallback: (() => void) | undefined;
  declare private _nonce: string | null;
  /**
   * The security headers this response gets in `writeHead` (null: none). On the
   * prototype of the app's response class; `@headers(...)` sets it for its route.
   */
  declare securityHeaders: SecurityHeaders | null;
  /**
   * What writes this response's JSON bodies (null: `JSON.stringify`), set by a step of its
   * route (`@aex/openapi`'s `@returns`): `json` hands its data to it.
   */
  declare jsonWriter: JsonWriter | null;
  /**
   * The header that echoes the request's id (`req.id`), lower case, or null. On the
   * prototype of the app's response class (`requestId.echo`); added when the head goes
   * out, unless the response set it itself.
   */
  declare requestIdHeader: string | null;
  /** @internal Its index in its app's handler watch (-1: not watched). */
  declare [SLOT]: number;
  /** @internal Its route's response phase (the app's, on its prototype, unless the route has its own). */
  declare [PHASE]: Phase<AexRequest, AexResponse, Scope>;
  /** @internal The request's scope, for the response phase's hooks. */
  declare [SCOPE]: Scope | null;
  /** @internal See {@link SENDING}. */
  declare [SENDING]: boolean;
  /** @internal See {@link STREAM}. */
  declare [STREAM]: Writable | null;
  /** @internal Its app's handler watch, to leave when it ends (on the app's prototype). */
  declare [WATCHED_BY]: Watchdog | null;

  /**
   * This response's CSP nonce (128 random bits, base64), made on first read: the
   * `Content-Security-Policy` then allows `<script nonce="…">` with it. A response that
   * never reads it pays nothing and sends the policy without a nonce. Also `scope.nonce`
   * and `nonce` in templates.
   */
  get nonce(): string {
    if (this._nonce !== null) return this._nonce;
    const nonce = (this._nonce = randomBytes(16).toString("base64"));
    const csp = this.securityHeaders?.nonceCsp;
    if (csp != null && !this.headersSent && !this.hasHeader("content-security-policy")) {
      this.setHeader("Content-Security-Policy", csp.prefix + nonce + csp.suffix);
    }
    return nonce;
  }

  /** Whether this request came over HTTPS (TLS, or a trusted proxy says so): HSTS goes out then. */
  private get overTls(): boolean {
    return isSecure(this.req);
  }

  /**
   * node's `writeHead`. On a route whose response phase has hooks (compression, a cache), the
   * head is only recorded (status, message, headers) and goes out with the body, once the
   * hooks have seen it; otherwise it goes out as node's does, with the security headers and
   * the request id. A header value with CR/LF is a 400 (`AEX_HEADER_INVALID`), not a 500.
   */
  override writeHead(
    statusCode: number,
    statusMessage?: string,
    headers?: OutgoingHttpHeaders | OutgoingHttpHeader[],
  ): this;
  /** node's `writeHead` without a status message (see above). */
  override writeHead(statusCode: number, headers?: OutgoingHttpHeaders | OutgoingHttpHeader[]): this;
  override writeHead(
    statusCode: number,
    reason?: string | OutgoingHttpHeaders | OutgoingHttpHeader[],
    headers?: OutgoingHttpHeaders | OutgoingHttpHeader[],
  ): this {
    const phase = this[PHASE];
    if ((phase.onSend !== null || phase.onStream !== null) && !this[SENDING] && !this.headersSent) {
      deferHead(this, statusCode, reason, headers);
      return this;
    }
    return this.sendHead(statusCode, reason, headers);
  }

  /**
   * @internal The one way a head goes out: node's `writeHead` with the security headers and
   * the request id. Where node allows and the response names none of them itself, those go in
   * as one precomputed string (security/head-splice.ts, probed at start), else header by
   * header. Each transport has its own (http2/http2-classes.ts).
   */
  sendHead(
    statusCode: number,
    reason?: string | OutgoingHttpHeaders | readonly OutgoingHttpHeader[],
    headers?: OutgoingHttpHeaders | readonly OutgoingHttpHeader[],
  ): this {
    try {
      const extra = typeof reason === "string" ? headers : reason;
      if (CAN_SPLICE_HEAD && !setsHeaderOf(this, extra, this.requestIdHeader)) {
        this.spliceHead(statusCode, reason, headers);
        return this;
      }
      const block = this.securityHeaders;
      if (block !== null) addSecurityHeaders(this, block, block.hsts !== null && this.overTls);
      if (this.requestIdHeader !== null) addRequestId(this, this.requestIdHeader, this.req?.id);
      // With headers set, node merges only a flat [name, value…] list, not [[name, value]…].
      const merged = (
        Array.isArray(extra) && Array.isArray(extra[0]) ? (extra as unknown as string[][]).flat() : extra
      ) as OutgoingHttpHeaders | OutgoingHttpHeader[] | undefined;
      return typeof reason === "string"
        ? super.writeHead(statusCode, reason, merged)
        : super.writeHead(statusCode, merged);
    } catch (error) {
      throw invalidHeader(error);
    }
  }

  /** @internal node's own `write`, for the body's bytes once the phase is done with them. */
  rawWrite(chunk: unknown, encoding?: BufferEncoding, callback?: WriteCallback): boolean {
    return super.write(chunk, encoding as BufferEncoding, callback);
  }

  /** @internal node's own `end`. */
  rawEnd(chunk?: unknown, encoding?: BufferEncoding, callback?: () => void): this {
    return super.end(chunk, encoding as BufferEncoding, callback);
  }

  /** @internal node's own `flushHeaders`. */
  rawFlushHeaders(): void {
    super.flushHeaders();
  }

  /** node's `setHeader`; a value with CR/LF (copied from the request?) is a 400, not a 500. */
  override setHeader(name: string, value: number | string | readonly string[]): this {
    try {
      return super.setHeader(name, value);
    } catch (error) {
      throw invalidHeader(error);
    }
  }

  /** node's `appendHeader`; a value with CR/LF is a 400, not a 500. */
  override appendHeader(name: string, value: string | readonly string[]): this {
    try {
      return super.appendHeader(name, value);
    } catch (error) {
      throw invalidHeader(error);
    }
  }

  /** Cookies to set: `res.cookies.set("theme", "dark", { maxAge: 3600 })`. */
  get cookies(): ResponseCookies {
    return (this._cookies ??= new ResponseCookies(this));
  }

  /**
   * Whether the response is answered or being answered (ended, or its headers sent):
   * nothing else should answer it.
   */
  get answered(): boolean {
    return this._ending || this.headersSent || this.writableEnded;
  }

  /**
   * Runs `task` (sync or async) when `end()` is called, before anything is sent, so it
   * can still set headers (a step can save its state and set a cookie this way). The
   * response ends once every task settled; if one fails, the client gets its error
   * (a 503 from a store that is down) instead of the body.
   */
  beforeEnd(task: () => unknown): void {
    (this._beforeEnd ??= []).push(task);
  }

  /** Sets the status code; chainable. */
  status(code: number): this {
    this.statusCode = code;
    return this;
  }

  /** Sets a header; chainable (Express's `res.set`). */
  set(name: string, value: string | number | readonly string[]): this {
    this.setHeader(name, value);
    return this;
  }

  /** Reads a header that is set to go out (Express's `res.get`). */
  get(name: string): string | number | string[] | undefined {
    return this.getHeader(name);
  }

  /** Sets `Content-Type`; chainable. */
  type(contentType: string): this {
    this.setHeader("Content-Type", contentType);
    return this;
  }

  /**
   * Sends `data` as JSON with `Content-Type: application/json; charset=utf-8`, written by
   * the route's {@link JsonWriter} when a step set one (`res.jsonWriter`: `@aex/openapi`'s
   * `@returns` checks the body against its status's schema), else by `JSON.stringify`.
   */
  json(data: unknown): void {
    const writer = this.jsonWriter;
    if (writer !== null) writer.send(this, data);
    else this.typedEnd(JSON.stringify(data) ?? "null", JSON_HEAD);
  }

  /**
   * Sends a body: strings as text (HTML when it starts with `<`), buffers as binary,
   * anything else as JSON. `undefined` sends an empty body.
   */
  send(body?: unknown): void {
    if (body === undefined || body === null) this.end();
    else if (typeof body === "string") this.typedEnd(body, body.charCodeAt(0) === 60 /* < */ ? HTML_HEAD : TEXT_HEAD);
    else if (body instanceof Uint8Array) this.typedEnd(body, BINARY_HEAD);
    else this.json(body);
  }

  /**
   * Ends with `body` and `head`'s Content-Type unless one is set. With nothing left to run
   * (no `beforeEnd` task, no response hook) and no header set, the head goes out as node's
   * array (its fast path: nothing stored per header, nothing merged). For helpers that
   * plugins add.
   */
  typedEnd(body: string | Uint8Array, head: { "content-type": string }): void {
    if (this.hasHeader("content-type")) this.end(body);
    else if (this._beforeEnd === null && this[PHASE].onSend === null && !this.headersSent) {
      // With the length known, node skips chunked framing.
      const length = typeof body === "string" ? Buffer.byteLength(body) : body.byteLength;
      // Through `this`: an Express middleware (compression, on-headers) may have wrapped them.
      if (hasHeadersSet(this)) {
        this.writeHead(this.statusCode, { "content-type": head["content-type"], "content-length": length });
      } else {
        TYPE_LENGTH[1] = head["content-type"];
        TYPE_LENGTH[3] = String(length);
        this.writeHead(this.statusCode, TYPE_LENGTH);
      }
      this.end(body);
    } else {
      this.setHeader("Content-Type", head["content-type"]);
      // node says no length for HEAD; a GET's it counts itself at `end`.
      if (this.req.method === "HEAD" && !this.headersSent && !this.hasHeader("content-length")) {
        this.setHeader("Content-Length", typeof body === "string" ? Buffer.byteLength(body) : body.byteLength);
      }
      this.end(body);
    }
  }

  /**
   * node's writeHead with its arguments, and the security headers and request id spliced
   * in. Neither may be named by the response's own headers.
   */
  private spliceHead(
    status: number,
    reason?: string | OutgoingHttpHeaders | readonly OutgoingHttpHeader[],
    headers?: OutgoingHttpHeaders | readonly OutgoingHttpHeader[],
  ): void {
    const block = this.securityHeaders;
    const idHeader = this.requestIdHeader;
    const id = idHeader === null ? undefined : this.req?.id;
    let lines = block === null ? "" : block.hsts !== null && this.overTls ? block.linesTls : block.lines;
    if (id !== undefined) lines += `${idHeader}: ${id}\r\n`;
    writeHeadWithLines(this, status, reason, headers, lines);
  }

  /**
   * Answers `data` as JSON with `status` (200 by default): coders.api's success helper.
   *
   * @example
   * res.ok({ id: 7 }, 201);
   */
  ok(data: unknown, status = 200): void {
    this.statusCode = status;
    this.json(data);
  }

  /**
   * Answers an error in the framework's own format (problem+json, or an HTML page for a
   * browser), through the app's one error path: the custom error handler and the log see
   * it like any thrown {@link HttpError}. `extra` goes to the body's `details` (and its
   * `code`, when it has one).
   *
   * @example
   * res.fail(409, "This title is taken", { code: "NOTE_TITLE_TAKEN" });
   */
  fail(status: number, detail?: string, extra?: { code?: string; [member: string]: unknown }): void {
    const { code, ...details } = extra ?? {};
    const error = new HttpError(status, detail, {
      expose: true,
      code,
      details: Object.keys(details).length > 0 ? details : undefined,
    });
    this.answerOwnError(error);
  }

  /**
   * Redirects to `url` with `status` (302 by default). Accepts `(url, status)` or
   * Express's `(status, url)`.
   */
  redirect(url: string, status?: number): void;
  redirect(status: number, url: string): void;
  redirect(a: string | number, b?: string | number): void {
    const [url, status] = typeof a === "number" ? [String(b), a] : [a, typeof b === "number" ? b : 302];
    this.statusCode = status;
    // encodeURI leaves valid escapes alone and makes spaces/non-ASCII header-safe.
    this.setHeader("Location", encodeURI(decodeSafely(url)));
    this.end();
  }

  /**
   * Ends the response, once its `beforeEnd` tasks (a session's save…) finished and its
   * route's response phase (compression, a cache) has seen the body.
   */
  override end(callback?: () => void): this;
  /** Sends `chunk` last and ends the response (see above). */
  override end(chunk: unknown, callback?: () => void): this;
  /** Sends `chunk` (a string in `encoding`) last and ends the response (see above). */
  override end(chunk: unknown, encoding: BufferEncoding, callback?: () => void): this;
  override end(chunk?: unknown, encoding?: BufferEncoding | (() => void), callback?: () => void): this {
    if (typeof chunk === "function") [chunk, callback, encoding] = [undefined, chunk as () => void, undefined];
    else if (typeof encoding === "function") [callback, encoding] = [encoding, undefined];
    const tasks = this._beforeEnd;
    this._ending = true;
    if (tasks === null) return this.sendBody(chunk, encoding, callback);
    this._beforeEnd = null;
    runBeforeEnd(
      tasks,
      () => this.sendBody(chunk, encoding, callback),
      (error) => this.phaseFailed(error),
    );
    return this;
  }

  /** The last body chunk: through the transforms of a streamed body, or the `onSend` hooks. */
  private sendBody(chunk: unknown, encoding: BufferEncoding | undefined, callback?: () => void): this {
    const stream = this[STREAM];
    if (stream !== null) {
      this._endCallback = callback;
      if (chunk === undefined || chunk === null) stream.end();
      else stream.end(chunk, encoding as BufferEncoding);
      return this;
    }
    const onSend = this[PHASE].onSend;
    if (onSend === null || this.headersSent) return this.endNow(chunk, encoding, callback);
    const body = toSendBody(chunk, encoding);
    let result: ReturnType<typeof onSend>;
    try {
      result = onSend(this.req, this, this[SCOPE] as Scope, body);
    } catch (error) {
      this.phaseFailed(error);
      return this;
    }
    if (isPromise(result)) {
      Promise.resolve(result).then(
        (sent) => this.endNow(this.replacedBody(body, sent), undefined, callback),
        (error: unknown) => this.phaseFailed(error),
      );
      return this;
    }
    return this.endNow(this.replacedBody(body, result), undefined, callback);
  }

  /** The body the hooks returned (undefined: the one sent), its Content-Length kept true. */
  private replacedBody(body: SendBody, sent: SendBody | undefined): SendBody {
    if (sent === undefined || sent === body) return body;
    if (this.hasHeader("content-length") && !this.headersSent) {
      this.setHeader(
        "Content-Length",
        sent === null ? 0 : typeof sent === "string" ? Buffer.byteLength(sent) : sent.byteLength,
      );
    }
    return sent;
  }

  /** node's `end`, once nothing is left to run before it. */
  private endNow(chunk: unknown, encoding?: BufferEncoding, callback?: () => void): this {
    // Answered: the handler timeout has nothing left to watch.
    if (this[SLOT] !== -1) this[WATCHED_BY]?.release(this);
    this[SENDING] = true;
    return this.rawEnd(chunk, encoding, callback);
  }

  /**
   * A `beforeEnd` task or a response hook failed before anything was sent: the error path
   * answers instead, without the hooks (a hook that always throws must not fail its own
   * error response).
   */
  private phaseFailed(error: unknown): void {
    this._ending = false;
    this[PHASE] = EMPTY_PHASE;
    this.failed(error);
  }

  /**
   * Answers an error of this response's own making (a failed `beforeEnd` task). An app's
   * response class sends it through the app's error path (`aex.answerError`).
   */
  failed(error: unknown): void {
    this.answerOwnError(error);
  }

  /**
   * Answers a failure that happened after the line (a `beforeEnd` task, a response hook,
   * `res.render`) through the app's one error path, or with the default answer for a
   * response no app made.
   */
  private answerOwnError(error: unknown): void {
    const app = this.app;
    if (app !== undefined) void app.answerError(error, this.req, this);
    else sendError(this, toHttpError(error), { dev: false });
  }

  /**
   * Writes `chunk` of the body (through the route's stream transforms, if its response phase
   * has any). A write after the response ended is a bug in a handler, not a reason for node
   * to emit an unhandled `error` that kills the process; it is dropped and reports `false`.
   */
  override write(chunk: unknown, callback?: WriteCallback): boolean;
  /** Writes `chunk` (a string in `encoding`) of the body; after the end, drops it and reports `false`. */
  override write(chunk: unknown, encoding: BufferEncoding, callback?: WriteCallback): boolean;
  override write(chunk: unknown, encoding?: BufferEncoding | WriteCallback, callback?: WriteCallback): boolean {
    if (this.writableEnded) return false;
    const stream = this[STREAM] ?? (this.headersSent ? null : this.openStream());
    if (stream !== null) return stream.write(chunk, encoding as BufferEncoding, callback);
    this[SENDING] = true;
    return this.rawWrite(chunk, encoding as BufferEncoding, callback);
  }

  /** Sends the head now (an event stream's first bytes), after the phase's stream hooks ran. */
  override flushHeaders(): void {
    if (!this.headersSent && this[STREAM] === null) this.openStream();
    this[SENDING] = true;
    this.rawFlushHeaders();
  }

  /**
   * Runs the phase's stream hooks as a streamed body begins; where they return transforms,
   * chunks go through them, in order, and what comes out is written. Null: chunks go straight out.
   */
  private openStream(): Writable | null {
    const onStream = this[PHASE].onStream;
    if (onStream === null) return null;
    let transforms: (Writable & Readable)[];
    try {
      transforms = onStream(this.req, this, this[SCOPE] as Scope);
    } catch (error) {
      this.phaseFailed(error);
      return null;
    }
    if (transforms.length === 0) return null;
    for (let i = 1; i < transforms.length; i++) transforms[i - 1].pipe(transforms[i]);
    const output = transforms[transforms.length - 1];
    output.on("data", (chunk: Buffer) => {
      this[SENDING] = true;
      if (!this.rawWrite(chunk)) output.pause();
    });
    output.on("end", () => this.endNow(undefined, undefined, this._endCallback));
    this.on("drain", () => output.resume());
    // The handler writes into the first transform: its backpressure is the response's.
    transforms[0].on("drain", () => this.emit("drain"));
    for (const transform of transforms) transform.on("error", (error) => this.destroy(error));
    // A client gone mid-stream: free the transforms' memory (a compressor's) now.
    this.once("close", () => {
      for (const transform of transforms) transform.destroy();
    });
    return (this[STREAM] = transforms[0]);
  }
}

/** What `end(chunk, encoding)` would send, as the response phase's hooks see it. */
function toSendBody(chunk: unknown, encoding: BufferEncoding | undefined): SendBody {
  if (chunk === undefined || chunk === null) return null;
  if (typeof chunk === "string")
    return encoding === undefined || encoding === "utf8" ? chunk : Buffer.from(chunk, encoding);
  if (Buffer.isBuffer(chunk)) return chunk;
  if (chunk instanceof Uint8Array) return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  return String(chunk);
}

/**
 * A `writeHead` on a route with response hooks: status, message and headers are recorded on
 * the response and go out with the body (through `sendHead`), once the hooks have seen it.
 */
function deferHead(
  res: AexResponse,
  status: number,
  reason: string | OutgoingHttpHeaders | OutgoingHttpHeader[] | undefined,
  headers: OutgoingHttpHeaders | OutgoingHttpHeader[] | undefined,
): void {
  if (typeof reason === "string") res.statusMessage = reason;
  else headers = reason;
  res.statusCode = status;
  if (Array.isArray(headers)) {
    // [[name, value]…] or [name, value, name, value…]; a repeated name keeps every value.
    const pairs = Array.isArray(headers[0])
      ? (headers as unknown as [string, string][])
      : Array.from({ length: headers.length >> 1 }, (_, i) => [String(headers[2 * i]), String(headers[2 * i + 1])]);
    const values = new Map<string, string[]>();
    for (const [name, value] of pairs) values.set(name, [...(values.get(name) ?? []), value]);
    for (const [name, list] of values) res.setHeader(name, list.length === 1 ? list[0] : list);
  } else if (headers !== null && typeof headers === "object") {
    for (const [name, value] of Object.entries(headers)) if (value !== undefined) res.setHeader(name, value);
  }
}

// Where node allows, plain answers get their security headers as one precomputed string.
if (CAN_SPLICE_HEAD) spliceHeadLines(AexResponse);

Object.assign(AexResponse.prototype, {
  _beforeEnd: null,
  _endCallback: undefined,
  [PHASE]: EMPTY_PHASE,
  [SCOPE]: null,
  [SENDING]: false,
  [STREAM]: null,
  _ending: false,
  keepOpen: false,
  _nonce: null,
  securityHeaders: null,
  jsonWriter: null,
  requestIdHeader: null,
  [SLOT]: -1,
  [WATCHED_BY]: null,
});

type WriteCallback = (error: Error | null | undefined) => void;

function decodeSafely(url: string): string {
  try {
    return decodeURI(url);
  } catch {
    return url;
  }
}
