import type { OutgoingHttpHeaders } from "node:http";
import type { Transform } from "node:stream";
import { AexError } from "../errors/aex-error";
import type { AexResponse } from "../http/response";
import type { Step } from "../pipeline/types";
import { decoratorStep, type DecoratorStep } from "../registry/decorator-step";
import { ENCODINGS, negotiateEncoding, type Encoding } from "./accept-encoding";
import { isCompressible } from "./compressible";
import { compressAsync, compressSync, createCompressor, type Codecs } from "./codecs";

/** Options of {@link compress}. */
export interface CompressOptions {
  /** Bodies smaller than this many bytes go out as they are. Default 1024. */
  threshold?: number;
  /** Codings to offer, in the order preferred when the client ranks them equal. Default `["br", "gzip", "deflate"]`. */
  encodings?: readonly Encoding[];
  /** gzip/deflate level, 1 (fast) to 9 (small). Default 6, zlib's own. */
  level?: number;
  /**
   * Brotli quality, 0 to 11. Default 4: close to gzip's speed and smaller; brotli's own
   * default (11) is meant for files compressed once, not for every response.
   */
  brotliQuality?: number;
  /** Which `Content-Type`s to compress. Default: text-like ones ({@link isCompressible}). */
  filter?: (contentType: string) => boolean;
}

interface Settings {
  readonly threshold: number;
  readonly encodings: readonly Encoding[];
  readonly filter: (contentType: string) => boolean;
  readonly codecs: Codecs;
}

/** What a compressed response remembers: its coding, and node's own methods to call. */
interface State {
  settings: Settings;
  encoding: Encoding | null;
  enabled: boolean;
  stream: Transform | null;
  endCallback: (() => void) | undefined;
  readonly writeHead: Function;
  readonly write: Function;
  readonly end: Function;
}

const STATE = Symbol("aex.compression");
type Patched = AexResponse & { [STATE]?: State };
type Callback = () => void;

// Bodies up to this size are compressed inline: a thread-pool round trip costs more than
// compressing 64 KB at level 6 / quality 4. Larger ones go to the thread pool.
const INLINE_LIMIT = 64 * 1024;

/**
 * Compresses responses with br, gzip or deflate, as the client's `Accept-Encoding`
 * ranks them, once they are over `threshold` bytes. Never for types compressed already
 * (images, archives…), for `Range` answers (206), for HEAD, 204 or 304, for a response
 * that set its own `Content-Encoding` or `Cache-Control: no-transform`, nor for SSE.
 * Streams (`res.write`… `res.end`, piped files) are compressed as they go. Every response
 * whose type could be compressed gets `Vary: Accept-Encoding`, whatever the request asked
 * (HEAD and requests without `Accept-Encoding` included).
 *
 * Off by default: it costs CPU, and most deployments already compress at the proxy.
 * `aex.use(compress())` turns it on for every route; `@compress()` on a method turns it
 * on for that route; `@compress(false)` turns it off for one route.
 *
 * @example
 * const aex = new Aex();
 * aex.use(compress({ threshold: 1024 }));
 * class Files {
 *   @get("/report") report(req, res) { res.json(bigReport); }          // compressed
 *   @get("/raw") @compress(false) raw(req, res) { res.json(bigReport); } // never
 * }
 */
export function compress(options?: CompressOptions | false): DecoratorStep {
  if (options === false) return decoratorStep("compress(false)", disableCompression);
  return decoratorStep("compress", compressStep(resolve(options ?? {})));
}

function resolve(options: CompressOptions): Settings {
  const { threshold = 1024, encodings = ENCODINGS, level = 6, brotliQuality = 4, filter = isCompressible } = options;
  const fail = (what: string) => {
    throw new AexError("AEX_ERR_COMPRESS_OPTIONS", what);
  };
  if (!Number.isInteger(threshold) || threshold < 0) fail(`threshold must be an integer ≥ 0, not ${threshold}`);
  if (!Number.isInteger(level) || level < 1 || level > 9) fail(`level must be 1 to 9, not ${level}`);
  if (!Number.isInteger(brotliQuality) || brotliQuality < 0 || brotliQuality > 11) {
    fail(`brotliQuality must be 0 to 11, not ${brotliQuality}`);
  }
  if (!Array.isArray(encodings) || encodings.length === 0 || encodings.some((e) => !ENCODINGS.includes(e))) {
    fail(`encodings must be some of ${ENCODINGS.join(", ")}`);
  }
  if (typeof filter !== "function") fail("filter must be a function");
  return { threshold, encodings: [...encodings], filter, codecs: { level, brotliQuality } };
}

function compressStep(settings: Settings): Step {
  return (req, res) => {
    const header = req.headers["accept-encoding"];
    const state = (res as Patched)[STATE];
    if (state !== undefined) {
      // A route's own @compress(options) after a global one: the route's settings win.
      state.settings = settings;
      state.enabled = true;
      if (typeof header === "string" && req.method !== "HEAD") {
        state.encoding = negotiateEncoding(header, settings.encodings);
      }
      return;
    }
    // Without Accept-Encoding (or for HEAD) the body goes as it is, but the response still
    // says Vary: Accept-Encoding: a cache must not serve it to a client that asked for gzip,
    // nor the gzip one to this client (RFC 9110 §12.5.5).
    const encoding =
      typeof header !== "string" || req.method === "HEAD" ? null : negotiateEncoding(header, settings.encodings);
    patch(res as Patched, settings, encoding);
  };
}

function disableCompression(_req: unknown, res: AexResponse): void {
  const state = (res as Patched)[STATE];
  if (state !== undefined) state.enabled = false;
}

// The response's own writeHead/write/end are replaced by shared functions (no closure per
// request); node's are kept in the state and restored once the coding is decided.
function patch(res: Patched, settings: Settings, encoding: Encoding | null): void {
  res[STATE] = {
    settings,
    encoding,
    enabled: true,
    stream: null,
    endCallback: undefined,
    writeHead: res.writeHead,
    write: res.write,
    end: res.end,
  };
  res.writeHead = deferredWriteHead as AexResponse["writeHead"];
  res.write = compressingWrite as AexResponse["write"];
  res.end = compressingEnd as AexResponse["end"];
}

function unpatch(res: Patched, state: State): void {
  res.writeHead = state.writeHead as AexResponse["writeHead"];
  res.write = state.write as AexResponse["write"];
  res.end = state.end as AexResponse["end"];
}

/**
 * `writeHead` only records status and headers: whether the body is compressed, and so its
 * `Content-Length`, is known at the first write or at `end`.
 */
function deferredWriteHead(this: Patched, status: number, reason?: unknown, headers?: unknown): Patched {
  if (this.headersSent) return (this[STATE]!.writeHead as Function).call(this, status, reason, headers);
  if (typeof reason === "string") this.statusMessage = reason;
  else headers = reason;
  this.statusCode = status;
  if (Array.isArray(headers)) setHeaderList(this, headers);
  else if (headers !== null && typeof headers === "object") {
    for (const [name, value] of Object.entries(headers as OutgoingHttpHeaders)) {
      if (value !== undefined) this.setHeader(name, value);
    }
  }
  return this;
}

/** `writeHead`'s array forms: `[[name, value], …]` or `[name, value, name, value…]`. */
function setHeaderList(res: Patched, list: unknown[]): void {
  const pairs: [string, string][] = Array.isArray(list[0])
    ? (list as [string, string][])
    : Array.from({ length: list.length >> 1 }, (_, i) => [String(list[2 * i]), String(list[2 * i + 1])]);
  const values = new Map<string, string[]>();
  for (const [name, value] of pairs) values.set(name, [...(values.get(name) ?? []), value]);
  for (const [name, list] of values) res.setHeader(name, list.length === 1 ? list[0] : list);
}

function compressingWrite(this: Patched, chunk: unknown, encoding?: unknown, callback?: unknown): boolean {
  const state = this[STATE]!;
  if (state.stream === null) {
    const coding = this.headersSent || this.writableEnded ? null : decide(this, state, undefined);
    if (coding === null) {
      unpatch(this, state);
      return this.write(chunk, encoding as BufferEncoding, callback as Callback);
    }
    // node's write sends the head through `this.writeHead`: it must be node's again.
    this.writeHead = state.writeHead as AexResponse["writeHead"];
    state.stream = startStream(this, state, coding);
  }
  return state.stream.write(chunk, encoding as BufferEncoding, callback as Callback);
}

function compressingEnd(this: Patched, chunk?: unknown, encoding?: unknown, callback?: unknown): Patched {
  if (typeof chunk === "function") [chunk, callback] = [undefined, chunk];
  else if (typeof encoding === "function") [encoding, callback] = [undefined, encoding];
  const state = this[STATE]!;
  if (state.stream !== null) {
    state.endCallback = callback as Callback | undefined;
    if (chunk === undefined || chunk === null) state.stream.end();
    else state.stream.end(chunk, encoding as BufferEncoding);
    return this;
  }
  unpatch(this, state);
  if (state.encoding === null) {
    // Nothing to compress: only Vary to add, without copying the body.
    if (!this.headersSent && !this.writableEnded) decide(this, state, undefined);
    return this.end(chunk, encoding as BufferEncoding, callback as Callback);
  }
  const body = this.headersSent || this.writableEnded ? null : toBuffer(chunk, encoding);
  const coding = body === null ? null : decide(this, state, body.byteLength);
  if (coding === null || body === null) return this.end(chunk, encoding as BufferEncoding, callback as Callback);
  const { codecs } = state.settings;
  if (body.byteLength <= INLINE_LIMIT) {
    const output = compressSync(coding, body, codecs);
    this.setHeader("Content-Length", output.byteLength);
    return this.end(output, callback as Callback);
  }
  // Answered already (`res.answered`), though the bytes follow from the thread pool.
  (this as unknown as { _ending: boolean })._ending = true;
  compressAsync(coding, body, codecs, (error, output) => {
    if (error !== null) this.destroy(error);
    else {
      this.setHeader("Content-Length", output.byteLength);
      this.end(output, callback as Callback);
    }
  });
  return this;
}

/** The coding for this response, with its headers set; `null` to send it as it is. */
function decide(res: Patched, state: State, size: number | undefined): Encoding | null {
  const status = res.statusCode;
  if (!state.enabled || status < 200 || status === 204 || status === 206 || status === 304) return null;
  if (res.hasHeader("content-encoding") || res.hasHeader("content-range")) return null;
  const type = res.getHeader("content-type");
  if (typeof type !== "string" || !state.settings.filter(type)) return null;
  addVary(res);
  const coding = state.encoding;
  if (coding === null) return null;
  const cacheControl = res.getHeader("cache-control");
  if (typeof cacheControl === "string" && /\bno-transform\b/i.test(cacheControl)) return null;
  // A stream of unknown length is compressed; one that announced its length is judged by it.
  const length = size ?? Number(res.getHeader("content-length") ?? Number.NaN);
  if (length < state.settings.threshold) return null;
  res.setHeader("Content-Encoding", coding);
  res.removeHeader("Content-Length");
  // The compressed bytes differ from the ones a strong ETag named (RFC 9110 §8.8.1).
  const etag = res.getHeader("etag");
  if (typeof etag === "string" && etag.startsWith('"')) res.setHeader("ETag", `W/${etag}`);
  return coding;
}

function addVary(res: Patched): void {
  const vary = res.getHeader("vary");
  if (vary === undefined) res.setHeader("Vary", "Accept-Encoding");
  else {
    const value = Array.isArray(vary) ? vary.join(", ") : String(vary);
    if (value.trim() !== "*" && !/(?:^|,)\s*accept-encoding\s*(?:,|$)/i.test(value)) {
      res.setHeader("Vary", `${value}, Accept-Encoding`);
    }
  }
}

function startStream(res: Patched, state: State, coding: Encoding): Transform {
  const stream = createCompressor(coding, state.settings.codecs);
  const write = state.write;
  stream.on("data", (chunk: Buffer) => {
    if (write.call(res, chunk) === false) stream.pause();
  });
  stream.on("end", () => (state.end as Function).call(res, state.endCallback));
  stream.on("error", (error) => res.destroy(error));
  stream.on("drain", () => res.emit("drain"));
  res.on("drain", () => stream.resume());
  // A client gone mid-stream: free zlib's memory now.
  res.once("close", () => stream.destroy());
  return stream;
}

function toBuffer(chunk: unknown, encoding: unknown): Buffer {
  if (chunk === undefined || chunk === null) return Buffer.alloc(0);
  if (typeof chunk === "string") return Buffer.from(chunk, (encoding as BufferEncoding | undefined) ?? "utf8");
  if (Buffer.isBuffer(chunk)) return chunk;
  if (chunk instanceof Uint8Array) return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  return Buffer.from(String(chunk));
}
