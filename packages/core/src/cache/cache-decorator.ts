import { createHash } from "node:crypto";
import type { OutgoingHttpHeaders } from "node:http";
import debug from "debug";
import type { AexRequest } from "../http/request";
import type { AexResponse } from "../http/response";
import type { Step } from "../pipeline/types";
import { methodDecorator, type AexMethodDecorator } from "../registry/method-decorator";
import { addStep } from "../registry/registry";
import type { Scope } from "../scope/scope";
import { cacheOf } from "./app-cache";
import type { Cache } from "./cache";
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
  /** The cache to use; default the app's (`useCache`, or a memory cache). */
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
   * The head as a flat `[name, value, …]` list for `res.writeHeadList` (X-Cache last), or
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

function answer(req: AexRequest, res: AexResponse, entry: CachedResponse, hit: boolean): void {
  const { body, list } = prepare(entry);
  const head = req.method !== "HEAD" && req.headers["if-none-match"] === undefined && hit ? list : null;
  if (head !== null) {
    // The common hit: one head from the entry's list, the body as it was kept.
    res.writeHeadList(entry.status, head);
    res.end(body);
    return;
  }
  for (const [name, value] of Object.entries(entry.headers)) res.setHeader(name, value);
  res.setHeader("ETag", entry.etag);
  res.setHeader("X-Cache", hit ? "HIT" : "MISS");
  if (matches(req.headers["if-none-match"], entry.etag)) {
    for (const name of ["content-type", "content-length"]) res.removeHeader(name);
    res.statusCode = 304;
    res.end();
    return;
  }
  res.statusCode = entry.status;
  if (hasLength(entry.status)) res.setHeader("Content-Length", body.byteLength);
  res.end(req.method === "HEAD" ? undefined : body);
}

/**
 * Captures what the handler sends (head and body) instead of sending it; `done` gets it at
 * `end()`. Only cacheable misses pay for this: the response's own methods are shadowed on
 * this one object and restored before anything goes out.
 */
function capture(res: AexResponse, done: (status: number, body: Buffer) => void): void {
  const chunks: Buffer[] = [];
  const own = res as unknown as Record<string, unknown>;
  const collect = (chunk: unknown, encoding?: unknown): void => {
    if (chunk === undefined || chunk === null || typeof chunk === "function") return;
    chunks.push(
      typeof chunk === "string"
        ? Buffer.from(chunk, typeof encoding === "string" ? (encoding as BufferEncoding) : "utf8")
        : Buffer.from(chunk as Uint8Array),
    );
  };
  own.writeHead = (status: number, ...rest: unknown[]) => {
    res.statusCode = status;
    const headers = rest.find((item) => typeof item === "object" && item !== null) as OutgoingHttpHeaders | undefined;
    for (const [name, value] of Object.entries(headers ?? {})) if (value !== undefined) res.setHeader(name, value);
    return res;
  };
  own.write = (chunk: unknown, encoding?: unknown) => {
    collect(chunk, encoding);
    return true;
  };
  own.end = (chunk?: unknown, encoding?: unknown) => {
    collect(chunk, encoding);
    delete own.writeHead;
    delete own.write;
    delete own.end;
    done(res.statusCode, Buffer.concat(chunks));
    return res;
  };
}

function cacheStep(options: CacheOptions, cache: Cache): Step {
  const vary = (options.vary ?? []).map((name) => name.toLowerCase());
  const control = `${options.private ? "private" : "public"}, max-age=${Math.floor(options.ttl)}`;
  const maxSize = options.maxSize ?? 1024 * 1024;
  // Synchronous when the store answers synchronously (the memory store): a hit then costs
  // no promise, as the line runs sync steps without one.
  const serve = (req: AexRequest, res: AexResponse, scope: Scope, key: string, entry: unknown): false | undefined => {
    if (entry === undefined) {
      miss(req, res, scope, key);
      return undefined;
    }
    answer(req, res, entry as CachedResponse, true);
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

  /** Runs the handler with its answer captured, then stores and sends it. */
  function miss(req: AexRequest, res: AexResponse, scope: Scope, key: string): void {
    const tags = typeof options.tags === "function" ? options.tags(req, scope) : (options.tags ?? []);
    // Headers set before this step belong to this exchange (request id, rate-limit counts,
    // the instance that answered): a hit, on this process or another, sets its own.
    const before = res.getHeaders();
    capture(res, (status, body) => {
      const headers: Record<string, string | string[]> = {};
      for (const [name, value] of Object.entries(res.getHeaders())) {
        if (HOP_HEADERS.has(name) || value === undefined || sameHeader(before[name], value)) continue;
        headers[name] = Array.isArray(value) ? value : String(value);
      }
      headers["cache-control"] = control;
      if (vary.length > 0) headers.vary = vary.join(", ");
      const fresh: CachedResponse = { status, headers, body: body.toString("base64"), etag: etagOf(body) };
      // A response that sets a cookie belongs to one client: never stored.
      const storable =
        CACHEABLE_STATUS.has(status) && res.getHeader("set-cookie") === undefined && body.byteLength <= maxSize;
      if (storable) {
        void Promise.resolve(cache.set(key, fresh, options.ttl, tags)).catch((error: unknown) =>
          log("cannot store %s: %O", key, error),
        );
      }
      answer(req, res, fresh, false);
    });
  }
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
 * await cacheOf(aex).invalidateTag("articles"); // after a write
 */
export function cache(options: CacheOptions): AexMethodDecorator {
  return methodDecorator((holder, key) =>
    addStep(holder, key, {
      name: `cache(${options.ttl}s)`,
      build: ({ app }) => cacheStep(options, options.cache ?? cacheOf(app)),
    }),
  );
}
