import { createHash } from "node:crypto";
import type { OutgoingHttpHeaders } from "node:http";
import debug from "debug";
import type { AexRequest } from "../http/request";
import type { AexResponse } from "../http/response";
import type { Step } from "../pipeline/types";
import { Transform } from "node:stream";
import { methodDecorator, type AexMethodDecorator } from "../registry/method-decorator";
import type { BuildContext } from "../registry/definitions";
import { EMPTY_PHASE, PHASE } from "../http/response-phase";
import type { ResponseHooks, ResponsePhase } from "../http/response-hooks";
import { addStep } from "../registry/registry";
import type { Scope } from "../scope/scope";
import { appCache, type Cache } from "./cache";
import { SECURITY_HEADER_NAMES } from "../security/headers";

const log = debug("aex:cache");

/** Options of {@link cache}. */
export interface CacheOptions {
  /** Seconds a response stays cached (and `Cache-Control: max-age`). */
  ttl: number;
  /** The entry's key; default the method-independent URL (path and query). */
  key?: (req: AexRequest, scope: Scope) => string;
  /** Request headers whose values split the cache (e.g. `["accept-language"]`); sent as `Vary`. */
  vary?: readonly string[];
  /**
   * A per-user response: `Cache-Control: private`, and the `key` function must tell users
   * apart. Without it, requests with `Authorization` are never cached (RFC 9111 §3.5).
   */
  private?: boolean;
  /** Tags to invalidate the entry by, fixed or computed per request. */
  tags?: readonly string[] | ((req: AexRequest, scope: Scope) => readonly string[]);
  /** The cache to use; default the app's (the one `aex.register(cache)` gave it, else a memory cache). */
  cache?: Cache;
  /** Largest body stored, in bytes; larger responses go out uncached. Default 1 MiB. */
  maxSize?: number;
}

/** What is kept of a response. */
interface CachedResponse {
  status: number;
  headers: Record<string, string | string[]>;
  body: string; // base64
  etag: string;
}

// Per-connection or per-exchange headers, never replayed from a cache.
const HOP_HEADERS = new Set(["connection", "keep-alive", "transfer-encoding", "date", "set-cookie", "content-length"]);
const CACHEABLE_STATUS = new Set([200, 203, 204, 300, 301, 404, 410]);

/** Whether a header kept its value (set before the handler, and left alone by it). */
function sameHeader(earlier: OutgoingHttpHeaders[string], now: OutgoingHttpHeaders[string]): boolean {
  return earlier !== undefined && String(earlier) === String(now);
}

function etagOf(body: Buffer): string {
  return `"${createHash("sha1").update(body).digest("base64url")}"`;
}

function matches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (ifNoneMatch === undefined) return false;
  if (ifNoneMatch.trim() === "*") return true;
  return ifNoneMatch.split(",").some((tag) => tag.trim().replace(/^W\//, "") === etag);
}

/** What a hit sends, made once per entry: a memory store hands out the same entry each time. */
interface Prepared {
  /** The body, decoded from base64. */
  readonly body: Buffer;
  /**
   * The head as a flat `[name, value, …]` list for `res.writeHead` (X-Cache last), or
   * null when the entry sets a security header itself (then its headers go one by one).
   */
  readonly list: string[] | null;
}

const prepared = new WeakMap<CachedResponse, Prepared>();

function prepare(entry: CachedResponse): Prepared {
  let ready = prepared.get(entry);
  if (ready !== undefined) return ready;
  const body = Buffer.from(entry.body, "base64");
  let list: string[] | null = [];
  for (const [name, value] of Object.entries(entry.headers)) {
    const lower = name.toLowerCase();
    if (SECURITY_HEADER_NAMES.has(lower)) {
      list = null;
      break;
    }
    // One line per name: node's writeHead sets array pairs one by one when headers were set
    // before, and a repeated name would keep only its last value. Set-Cookie is never kept.
    list.push(lower, Array.isArray(value) ? value.join(", ") : value);
  }
  list?.push("etag", entry.etag);
  if (hasLength(entry.status)) list?.push("content-length", String(body.byteLength));
  list?.push("x-cache", "HIT");
  ready = { body, list };
  prepared.set(entry, ready);
  return ready;
}

/** A 204 has no body and must not say `Content-Length` (RFC 9110 §8.6). */
function hasLength(status: number): boolean {
  return status !== 204;
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | null)?.then === "function";
}

/** Answers from a cache entry: a hit (through the route's other response hooks only). */
function answer(req: AexRequest, res: AexResponse, entry: CachedResponse): void {
  const { body, list } = prepare(entry);
  if (list !== null && req.method !== "HEAD" && req.headers["if-none-match"] === undefined) {
    // The common hit: one head from the entry's list, the body as it was kept.
    res.writeHead(entry.status, list);
    res.end(body);
    return;
  }
  for (const [name, value] of Object.entries(entry.headers)) res.setHeader(name, value);
  res.setHeader("ETag", entry.etag);
  res.setHeader("X-Cache", "HIT");
  if (matches(req.headers["if-none-match"], entry.etag)) {
    notModified(res);
    res.end();
    return;
  }
  res.statusCode = entry.status;
  if (hasLength(entry.status)) res.setHeader("Content-Length", body.byteLength);
  res.end(req.method === "HEAD" ? undefined : body);
}

/** A 304: no body, so nothing that describes one (RFC 9110 §15.4.5). */
function notModified(res: AexResponse): void {
  for (const name of ["content-type", "content-length"]) res.removeHeader(name);
  res.statusCode = 304;
}

/** What a miss remembers until its answer is sent: where to store it. */
interface Miss {
  readonly key: string;
  readonly tags: readonly string[];
  /** The headers set before the handler ran: they belong to this exchange, not to the entry. */
  readonly before: OutgoingHttpHeaders;
}

/** @internal A response whose handler runs on a cache miss: its answer is stored when it is sent. */
const MISS = Symbol("aex.cacheMiss");
type MissResponse = AexResponse & { [MISS]?: Miss };

/** Identifies the cache's response hooks: a hit answers through the route's other hooks only. */
const CACHE_HOOKS = Symbol("aex.cache");

interface CacheSettings {
  readonly options: CacheOptions;
  readonly cache: Cache;
  readonly vary: readonly string[];
  readonly control: string;
  readonly maxSize: number;
}

function settingsOf(options: CacheOptions, cache: Cache): CacheSettings {
  return {
    options,
    cache,
    vary: (options.vary ?? []).map((name) => name.toLowerCase()),
    control: `${options.private ? "private" : "public"}, max-age=${Math.floor(options.ttl)}`,
    maxSize: options.maxSize ?? 1024 * 1024,
  };
}

function cacheStep(settings: CacheSettings, hitPhase: () => ResponsePhase): Step {
  const { options, cache, vary } = settings;
  let phase: ResponsePhase | undefined;
  // Synchronous when the store answers synchronously (the memory store): a hit then costs
  // no promise, as the line runs sync steps without one.
  const serve = (req: AexRequest, res: AexResponse, scope: Scope, key: string, entry: unknown): false | undefined => {
    if (entry === undefined) {
      const tags = typeof options.tags === "function" ? options.tags(req, scope) : (options.tags ?? []);
      (res as MissResponse)[MISS] = { key, tags, before: res.getHeaders() };
      return undefined;
    }
    res[PHASE] = phase ??= hitPhase();
    answer(req, res, entry as CachedResponse);
    return false;
  };
  const unreadable = (key: string, error: unknown): undefined => {
    log("cannot read %s, answering uncached: %O", key, error);
    return undefined;
  };
  return (req, res, scope) => {
    if (req.method !== "GET" && req.method !== "HEAD") return undefined;
    if (!options.private && req.headers.authorization !== undefined) return undefined;
    let key = `route:${options.key ? options.key(req, scope) : req.url}`;
    for (const name of vary) key += `\n${name}=${String(req.headers[name] ?? "")}`;
    let entry: unknown;
    try {
      entry = cache.store.get(key);
    } catch (error) {
      return unreadable(key, error);
    }
    if (!isThenable(entry)) return serve(req, res, scope, key, entry);
    return Promise.resolve(entry).then(
      (found) => serve(req, res, scope, key, found),
      (error: unknown) => unreadable(key, error),
    );
  };
}

/**
 * Stores what a miss's handler answered (status, its own headers, body), then sends it as a
 * miss: with its ETag (a 304 to a matching `If-None-Match`), `X-Cache: MISS` and
 * `Cache-Control`. Returns the body to send.
 */
function storeAndSend(
  settings: CacheSettings,
  req: AexRequest,
  res: AexResponse,
  miss: Miss,
  body: Buffer,
): Buffer | null {
  const status = res.statusCode;
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(res.getHeaders())) {
    if (HOP_HEADERS.has(name) || value === undefined || sameHeader(miss.before[name], value)) continue;
    headers[name] = Array.isArray(value) ? value : String(value);
  }
  headers["cache-control"] = settings.control;
  if (settings.vary.length > 0) headers.vary = settings.vary.join(", ");
  const etag = etagOf(body);
  // A response that sets a cookie belongs to one client: never stored.
  const storable =
    CACHEABLE_STATUS.has(status) && res.getHeader("set-cookie") === undefined && body.byteLength <= settings.maxSize;
  if (storable) {
    const entry: CachedResponse = { status, headers, body: body.toString("base64"), etag };
    void Promise.resolve(settings.cache.set(miss.key, entry, settings.options.ttl, miss.tags)).catch((error: unknown) =>
      log("cannot store %s: %O", miss.key, error),
    );
  }
  res.setHeader("Cache-Control", settings.control);
  if (settings.vary.length > 0) res.setHeader("Vary", headers.vary);
  res.setHeader("ETag", etag);
  res.setHeader("X-Cache", "MISS");
  if (matches(req.headers["if-none-match"], etag)) {
    notModified(res);
    return null;
  }
  return body;
}

/** The response hooks of a `@cache` route: a miss's answer is stored as it goes out. */
function cacheHooks(settings: CacheSettings): ResponseHooks {
  return {
    key: CACHE_HOOKS,
    onSend(req, res, _scope, body) {
      const miss = (res as MissResponse)[MISS];
      if (miss === undefined) return undefined;
      const bytes = body === null ? Buffer.alloc(0) : typeof body === "string" ? Buffer.from(body) : body;
      return storeAndSend(settings, req, res, miss, bytes);
    },
    onStream(req, res) {
      const miss = (res as MissResponse)[MISS];
      if (miss === undefined) return null;
      // A streamed miss is gathered (up to maxSize) so its ETag can go in its head; a larger
      // one goes out as it comes, unstored.
      const chunks: Buffer[] = [];
      let size = 0;
      let passing = false;
      return new Transform({
        transform(chunk: Buffer, _encoding, done) {
          if (passing) return done(null, chunk);
          chunks.push(chunk);
          size += chunk.byteLength;
          if (size > settings.maxSize) {
            passing = true;
            res.setHeader("X-Cache", "MISS");
            return done(null, Buffer.concat(chunks));
          }
          done();
        },
        flush(done) {
          if (passing) return done();
          res.removeHeader("content-length");
          const body = storeAndSend(settings, req, res, miss, Buffer.concat(chunks));
          done(null, body ?? undefined);
        },
      });
    },
  };
}

/**
 * Caches a GET/HEAD handler's response (status, headers, body) for `ttl` seconds: hits are
 * answered without running the handler, with an `ETag` (`If-None-Match` → 304) and
 * `Cache-Control`. Responses that set cookies, errors other than 404/410, and requests with
 * `Authorization` (unless `private`, keyed per user) are never stored. A failing store
 * answers uncached and logs.
 *
 * @example
 * class Articles {
 *   @get("/articles")
 *   @cache({ ttl: 60, tags: ["articles"] })
 *   list(req, res) { res.json(db.articles()); }
 * }
 * await cache.invalidateTag("articles"); // after a write, with `aex.register(cache)`
 */
export function cache(options: CacheOptions): AexMethodDecorator {
  const settings = (context: BuildContext): CacheSettings =>
    settingsOf(options, options.cache ?? appCache(context.app));
  return methodDecorator((holder, key) =>
    addStep(holder, key, {
      name: `cache(${options.ttl}s)`,
      build: (context) => cacheStep(settings(context), () => context.responsePhase?.(CACHE_HOOKS) ?? EMPTY_PHASE),
      response: (context) => cacheHooks(settings(context)),
    }),
  );
}
