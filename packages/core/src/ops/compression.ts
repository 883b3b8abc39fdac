import { AexError } from "../errors/aex-error";
import type { AexRequest } from "../http/request";
import type { AexResponse } from "../http/response";
import type { ResponseHooks } from "../http/response-hooks";
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

/** Identifies compression's response hooks: a route's own `@compress` replaces the app's. */
const COMPRESSION = Symbol("aex.compression");

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
 * It works in the response phase: nothing runs per request before the handler, and the
 * body is compressed as it goes out, after a route's own hooks (a cache stores the body
 * uncompressed and each hit is compressed for its client).
 *
 * Off by default: it costs CPU, and most deployments already compress at the proxy.
 * `aex.use(compress())` turns it on for every route; `@compress()` on a method turns it
 * on for that route (`@compress(options)` replaces the app's options there);
 * `@compress(false)` turns it off for one route.
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
  // Only the key: on a route, it removes the app's compression there.
  if (options === false)
    return decoratorStep("compress(false)", { build: () => null, response: () => ({ key: COMPRESSION }) });
  const hooks = compressionHooks(resolve(options ?? {}));
  return decoratorStep("compress", { build: () => null, response: () => hooks });
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

function compressionHooks(settings: Settings): ResponseHooks {
  const { codecs } = settings;
  return {
    key: COMPRESSION,
    onSend(req, res, _scope, body) {
      const size = body === null ? 0 : typeof body === "string" ? Buffer.byteLength(body) : body.byteLength;
      const coding = decide(req, res, settings, size);
      if (coding === null || body === null) return undefined;
      const input = typeof body === "string" ? Buffer.from(body) : body;
      // The length is set again: node adds none itself to a response that removed its own.
      if (input.byteLength <= INLINE_LIMIT) return withLength(res, compressSync(coding, input, codecs));
      return new Promise<Buffer>((resolve, reject) =>
        compressAsync(coding, input, codecs, (error, output) =>
          error === null ? resolve(withLength(res, output)) : reject(error),
        ),
      );
    },
    onStream(req, res) {
      const coding = decide(req, res, settings, undefined);
      return coding === null ? null : createCompressor(coding, codecs);
    },
  };
}

/**
 * The coding for this response, with its headers set (`Vary` for every compressible type,
 * `Content-Encoding` when it is compressed); `null` to send it as it is. `size` is the
 * whole body's, or undefined for a stream.
 */
function decide(req: AexRequest, res: AexResponse, settings: Settings, size: number | undefined): Encoding | null {
  const status = res.statusCode;
  if (status < 200 || status === 204 || status === 206 || status === 304) return null;
  if (res.hasHeader("content-encoding") || res.hasHeader("content-range")) return null;
  const type = res.getHeader("content-type");
  if (typeof type !== "string" || !settings.filter(type)) return null;
  // Whatever this request asked, the answer depends on Accept-Encoding: a cache must not serve
  // it to a client that asked otherwise (RFC 9110 §12.5.5).
  addVary(res);
  const header = req.headers["accept-encoding"];
  if (typeof header !== "string" || req.method === "HEAD") return null;
  const coding = negotiateEncoding(header, settings.encodings);
  if (coding === null) return null;
  const cacheControl = res.getHeader("cache-control");
  if (typeof cacheControl === "string" && /\bno-transform\b/i.test(cacheControl)) return null;
  // A stream of unknown length is compressed; one that announced its length is judged by it.
  const length = size ?? Number(res.getHeader("content-length") ?? Number.NaN);
  if (length < settings.threshold) return null;
  res.setHeader("Content-Encoding", coding);
  res.removeHeader("Content-Length");
  // The compressed bytes differ from the ones a strong ETag named (RFC 9110 §8.8.1).
  const etag = res.getHeader("etag");
  if (typeof etag === "string" && etag.startsWith('"')) res.setHeader("ETag", `W/${etag}`);
  return coding;
}

function withLength(res: AexResponse, body: Buffer): Buffer {
  res.setHeader("Content-Length", body.byteLength);
  return body;
}

function addVary(res: AexResponse): void {
  const vary = res.getHeader("vary");
  if (vary === undefined) res.setHeader("Vary", "Accept-Encoding");
  else {
    const value = Array.isArray(vary) ? vary.join(", ") : String(vary);
    if (value.trim() !== "*" && !/(?:^|,)\s*accept-encoding\s*(?:,|$)/i.test(value)) {
      res.setHeader("Vary", `${value}, Accept-Encoding`);
    }
  }
}
