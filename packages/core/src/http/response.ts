import type { Aex } from "../app/aex";
import { randomBytes } from "node:crypto";
import { ServerResponse, type OutgoingHttpHeader, type OutgoingHttpHeaders } from "node:http";
import type { AexRequest } from "./request";
import { ResponseCookies } from "./cookies";
import { HttpError } from "../errors/http-error";
import { failResponse } from "./send-error";
import { runBeforeEnd } from "./before-end";
import { addRequestId, addSecurityHeaders, hasHeadersSet, setsHeaderOf } from "../security/apply-headers";
import { CAN_SPLICE_HEAD, spliceHeadLines, writeHeadWithLines } from "../security/head-splice";
import type { SecurityHeaders } from "../security/headers";
import { isSecure } from "../security/is-secure";
import { invalidHeader } from "../security/invalid-header";
import type { ResponseContract } from "../openapi/response-contract";
import { SLOT } from "../app/slot-list";
import { WATCHED_BY, type Watchdog } from "../app/watchdog";

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
const ID_TYPE_LENGTH = ["x-request-id", "", "content-type", "", "content-length", ""];

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
  declare readonly app?: Aex;
  private _cookies?: ResponseCookies;
  // Defaults live on the prototype (below the class): nothing to set per request.
  declare private _beforeEnd: (() => unknown)[] | null;
  declare private _ending: boolean;
  declare private _nonce: string | null;
  /**
   * The security headers this response gets in `writeHead` (null: none). On the
   * prototype of the app's response class; `@headers(...)` sets it for its route.
   */
  declare securityHeaders: SecurityHeaders | null;
  /**
   * The route's `@returns` schemas (null: none), set by its first step: `json` checks a
   * body against them in development and writes it with fast-json-stringify.
   */
  declare responseContract: ResponseContract | null;
  /**
   * The header that echoes the request's id (`req.id`), lower case, or null. On the
   * prototype of the app's response class (`requestId.echo`); added when the head goes
   * out, unless the response set it itself.
   */
  declare requestIdHeader: string | null;
  /** @internal Its index in its app's handler watch (-1: not watched). */
  declare [SLOT]: number;
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
   * node's `writeHead`, adding the security headers first; a header value with CR/LF is a
   * 400 (`AEX_HEADER_INVALID`), not a 500.
   */
  override writeHead(
    statusCode: number,
    statusMessage?: string,
    headers?: OutgoingHttpHeaders | OutgoingHttpHeader[],
  ): this;
  /** node's `writeHead` without a status message, adding the security headers first. */
  override writeHead(statusCode: number, headers?: OutgoingHttpHeaders | OutgoingHttpHeader[]): this;
  override writeHead(
    statusCode: number,
    reason?: string | OutgoingHttpHeaders | OutgoingHttpHeader[],
    headers?: OutgoingHttpHeaders | OutgoingHttpHeader[],
  ): this {
    const block = this.securityHeaders;
    try {
      // Where node allows and the response names none of them itself, the security headers
      // and the request id go in as one string (security/head-splice.ts), not header by header.
      const extra = typeof reason === "string" ? headers : reason;
      if (CAN_SPLICE_HEAD && !setsHeaderOf(this, extra, this.requestIdHeader)) {
        this.spliceHead(statusCode, reason, headers);
        return this;
      }
      if (block !== null) addSecurityHeaders(this, block, block.hsts !== null && this.overTls);
      if (this.requestIdHeader !== null) addRequestId(this, this.requestIdHeader, this.req?.id);
      // With headers set, node merges only a flat [name, value…] list, not [[name, value]…].
      const merged = Array.isArray(extra) && Array.isArray(extra[0]) ? (extra as unknown as string[][]).flat() : extra;
      return typeof reason === "string"
        ? super.writeHead(statusCode, reason, merged)
        : super.writeHead(statusCode, merged);
    } catch (error) {
      throw invalidHeader(error);
    }
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
   * Sends `data` as JSON with `Content-Type: application/json; charset=utf-8`. On a route
   * with `@returns(status, schema)` for this status, the body is checked against the
   * schema in development and written by its JSON Schema when one is known.
   */
  json(data: unknown): void {
    const contract = this.responseContract;
    if (contract !== null) contract.send(this, data);
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
   * Ends with `body` and `head`'s Content-Type unless one is set. With nothing left to add
   * (no `beforeEnd` task), the head goes out with `writeHead`: node's fast path, measured
   * cheaper per request than `setHeader`. For helpers that plugins add.
   */
  typedEnd(body: string | Uint8Array, head: { "content-type": string }): void {
    if (this.hasHeader("content-type")) this.end(body);
    else if (this._beforeEnd === null && !this.headersSent) {
      // With the length known, node skips chunked framing.
      const length = typeof body === "string" ? Buffer.byteLength(body) : body.byteLength;
      // A step that wraps this response's writeHead (compress(), @cache) must see the head.
      if (hasHeadersSet(this) || this.writeHead !== AexResponse.prototype.writeHead) {
        this.writeHead(this.statusCode, { "content-type": head["content-type"], "content-length": length });
      } else this.writePlainHead(head["content-type"], String(length));
      this.end(body);
    } else {
      this.setHeader("Content-Type", head["content-type"]);
      this.end(body);
    }
  }

  /**
   * The head of an answer that set no header of its own: its type and length through
   * node's writeHead as an array (its fast path: nothing stored per header, nothing
   * merged), the security headers and the request id (safe: generated, or checked when
   * read) put in as one string where node allows (security/head-splice.ts), else in the
   * same array.
   */
  private writePlainHead(type: string, length: string): void {
    const block = this.securityHeaders;
    const idHeader = this.requestIdHeader;
    const id = idHeader === null ? undefined : this.req?.id;
    const tls = block !== null && block.hsts !== null && this.overTls;
    if (CAN_SPLICE_HEAD) {
      TYPE_LENGTH[1] = type;
      TYPE_LENGTH[3] = length;
      this.spliceHead(this.statusCode, TYPE_LENGTH);
      return;
    }
    let head: string[];
    if (block !== null) {
      head = id === undefined ? (tls ? block.fastTls : block.fast) : tls ? block.fastTlsId : block.fastId;
    } else head = id === undefined ? TYPE_LENGTH : ID_TYPE_LENGTH;
    if (id !== undefined) {
      head[head.length - 6] = idHeader as string;
      head[head.length - 5] = id;
    }
    head[head.length - 3] = type;
    head[head.length - 1] = length;
    ServerResponse.prototype.writeHead.call(this, this.statusCode, head);
  }

  /**
   * Writes the head: `status` and `headers`, a flat `[name, value, …]` list of lower-case
   * names and valid values, plus the security headers and the request id. When nothing
   * was set on the response before, it takes node's array fast path with those added as
   * one precomputed string (a cache hit's answer); otherwise it is `writeHead`. `headers`
   * must not name a security header.
   */
  writeHeadList(status: number, headers: readonly string[]): void {
    if (CAN_SPLICE_HEAD && !hasHeadersSet(this) && this.writeHead === AexResponse.prototype.writeHead) {
      this.spliceHead(status, headers);
    } else this.writeHead(status, headers as string[]);
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
    failResponse(this, error);
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

  /** Ends the response, once its `beforeEnd` tasks (a session's save…) finished. */
  override end(callback?: () => void): this;
  /** Sends `chunk` last and ends the response, once its `beforeEnd` tasks finished. */
  override end(chunk: unknown, callback?: () => void): this;
  /** Sends `chunk` (a string in `encoding`) last and ends the response, once its `beforeEnd` tasks finished. */
  override end(chunk: unknown, encoding: BufferEncoding, callback?: () => void): this;
  override end(chunk?: unknown, encoding?: BufferEncoding | (() => void), callback?: () => void): this {
    const tasks = this._beforeEnd;
    this._ending = true;
    if (tasks === null) return this.endNow(chunk, encoding, callback);
    this._beforeEnd = null;
    runBeforeEnd(
      tasks,
      () => this.endNow(chunk, encoding, callback),
      (error) => {
        // Nothing was sent: the error path may answer (and its handler see it unanswered).
        this._ending = false;
        this.failed(error);
      },
    );
    return this;
  }

  /** node's `end`, once nothing is left to run before it. */
  private endNow(chunk: unknown, encoding: BufferEncoding | (() => void) | undefined, callback?: () => void): this {
    // Answered: the handler timeout has nothing left to watch.
    if (this[SLOT] !== -1) this[WATCHED_BY]?.release(this);
    return super.end(chunk, encoding as BufferEncoding, callback);
  }

  /**
   * Answers an error of this response's own making (a failed `beforeEnd` task). An app's
   * response class sends it through the app's error path (`aex.answerError`).
   */
  failed(error: unknown): void {
    failResponse(this, error);
  }

  /**
   * Writes `chunk` of the body. A write after the response ended is a bug in a handler,
   * not a reason for node to emit an unhandled `error` that kills the process; it is
   * dropped and reports `false`.
   */
  override write(chunk: unknown, callback?: WriteCallback): boolean;
  /** Writes `chunk` (a string in `encoding`) of the body; after the end, drops it and reports `false`. */
  override write(chunk: unknown, encoding: BufferEncoding, callback?: WriteCallback): boolean;
  override write(chunk: unknown, encoding?: BufferEncoding | WriteCallback, callback?: WriteCallback): boolean {
    if (this.writableEnded) return false;
    return super.write(chunk, encoding as BufferEncoding, callback);
  }
}

// Where node allows, plain answers get their security headers as one precomputed string.
if (CAN_SPLICE_HEAD) spliceHeadLines(AexResponse);

Object.assign(AexResponse.prototype, {
  _beforeEnd: null,
  _ending: false,
  keepOpen: false,
  _nonce: null,
  securityHeaders: null,
  responseContract: null,
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
