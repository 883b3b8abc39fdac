import type { SecurityHeaders } from "../security/headers";

/** A header value as node's `setHeader` takes it. */
export type HeaderValue = number | string | readonly string[];

/** A response's own headers: lower-case name to the name as set and its value (node's store). */
export type OwnHeaders = Record<string, [string, HeaderValue]>;

/** A security block as `Headers`, with and without HSTS, and each with a content type (`res.json`…). */
interface BlockHeaders {
  readonly plain: Headers;
  readonly tls: Headers;
  readonly typed: Map<string, Headers>;
  readonly typedTls: Map<string, Headers>;
}

/**
 * Each block's `Headers` with a request id line, the id of the last answer made from it, and
 * the header's name: an answer sets its id there, and `Response` copies the whole head at once.
 * Setting the id on the `Response`'s own headers instead made their wrapper and cost an extra
 * call through it per answer (measured on Bun).
 */
const WITH_ID = new WeakMap<Headers, { readonly headers: Headers; readonly name: string }>();

/** Made once per block (a route's `@headers` has its own), never per response. */
const BLOCK_HEADERS = new WeakMap<SecurityHeaders, BlockHeaders>();

// The block of the last answer: most answers of an app share one.
let lastBlock: SecurityHeaders | null = null;
let lastMade: BlockHeaders | null = null;

function blockHeadersOf(block: SecurityHeaders): BlockHeaders {
  if (block === lastBlock) return lastMade!;
  let made = BLOCK_HEADERS.get(block);
  if (made === undefined) {
    const plain = new Headers();
    for (let i = 0; i < block.flat.length; i += 2) plain.append(block.flat[i], block.flat[i + 1]);
    const tls = new Headers(plain);
    if (block.hsts !== null) tls.set("Strict-Transport-Security", block.hsts);
    made = { plain, tls, typed: new Map(), typedTls: new Map() };
    BLOCK_HEADERS.set(block, made);
  }
  lastBlock = block;
  lastMade = made;
  return made;
}

/**
 * The empty block of an app (or route) without security headers: its answers still take their
 * content type from a `Headers` made beforehand, as those with a block do.
 */
const NO_BLOCK: BlockHeaders = { plain: new Headers(), tls: new Headers(), typed: new Map(), typedTls: new Map() };

/** The block's headers with `Content-Type: type` (kept for the few types an app answers with). */
function typedBlock(made: BlockHeaders, tls: boolean, type: string): Headers {
  const cache = tls ? made.typedTls : made.typed;
  let headers = cache.get(type);
  if (headers === undefined) {
    headers = new Headers(tls ? made.tls : made.plain);
    headers.set("Content-Type", type);
    // A handler that makes up its types must not grow this without bound.
    if (cache.size < 16) cache.set(type, headers);
  }
  return headers;
}

/**
 * The `Response` of an answer: the security block (with HSTS when `tls`; an empty one without
 * a block) as its headers, copied once by `Response` from a `Headers` made beforehand (with the
 * type of `res.json`/`res.send` when that is all the response set), then the response's own
 * headers over it (`X-Powered-By` dropped under a block), the request id unless set,
 * `Connection: close` when the connection must not be kept.
 */
export function responseOf(
  body: ConstructorParameters<typeof Response>[0],
  status: number,
  message: string | undefined,
  out: OwnHeaders | null,
  outCount: number,
  block: SecurityHeaders | null,
  tls: boolean,
  idHeader: string | null,
  id: string | undefined,
  keepAlive: boolean,
): Response {
  const type = out?.["content-type"]?.[1];
  const typed = typeof type === "string";
  // The id goes out unless the response set that header itself.
  let withId = idHeader !== null && id !== undefined && (out === null || out[idHeader] === undefined);
  let base: Headers | undefined;
  if (block !== null || typed) {
    const made = block === null ? NO_BLOCK : blockHeadersOf(block);
    base = typed ? typedBlock(made, tls, type) : tls ? made.tls : made.plain;
    if (withId) {
      const twin = idTwin(base, idHeader as string);
      if (twin !== null) {
        twin.set(idHeader as string, id as string);
        base = twin;
        withId = false;
      }
    }
  }
  const init: ResponseInit =
    message === undefined ? { status, headers: base } : { status, headers: base, statusText: message };
  const response = new Response(body, init);
  if (out === null || (typed && outCount === 1)) {
    if (withId) response.headers.set(idHeader as string, id as string);
    if (!keepAlive && (out === null || out.connection === undefined)) response.headers.set("Connection", "close");
    return response;
  }
  const headers = response.headers;
  // More than the type, which the block's headers carry already: the response's own go over them.
  for (const name in out) {
    if (typed && name === "content-type") continue;
    const [given, value] = out[name];
    if (Array.isArray(value)) {
      headers.delete(name);
      for (const one of value) headers.append(given, one);
    } else headers.set(given, String(value));
  }
  if (block !== null && out["x-powered-by"] !== undefined) headers.delete("x-powered-by");
  if (withId) headers.set(idHeader as string, id as string);
  if (!keepAlive && out.connection === undefined) headers.set("Connection", "close");
  return response;
}

// The last answer's base and its twin: most answers of an app share one.
let lastBase: Headers | null = null;
let lastTwin: { readonly headers: Headers; readonly name: string } | null = null;

/** `base` with a line for the request id header `name` (made once), or null when it has one for another name. */
function idTwin(base: Headers, name: string): Headers | null {
  let twin = base === lastBase ? lastTwin : WITH_ID.get(base);
  if (twin === undefined || twin === null) {
    twin = { headers: new Headers(base), name };
    WITH_ID.set(base, twin);
  }
  lastBase = base;
  lastTwin = twin;
  return twin.name === name ? twin.headers : null;
}
