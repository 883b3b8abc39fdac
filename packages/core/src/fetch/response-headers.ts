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
 * The `Response` of an answer: the security block (with HSTS when `tls`) as its headers, copied
 * once by `Response` from a `Headers` made beforehand (with the type of `res.json`/`res.send`
 * when that is all the response set), then the response's own headers over it (`X-Powered-By`
 * dropped under a block), the request id unless set, `Connection: close` when the connection
 * must not be kept.
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
  const typed = block !== null && typeof type === "string";
  let base: Headers | undefined;
  if (block !== null) {
    const made = blockHeadersOf(block);
    base = typed ? typedBlock(made, tls, type) : tls ? made.tls : made.plain;
  }
  const init: ResponseInit =
    message === undefined ? { status, headers: base } : { status, headers: base, statusText: message };
  const response = new Response(body, init);
  const headers = response.headers;
  // Only the type, which the block's headers carry already: nothing to copy.
  if (out !== null && !(typed && outCount === 1)) {
    for (const name in out) {
      if (typed && name === "content-type") continue;
      const [given, value] = out[name];
      if (Array.isArray(value)) {
        headers.delete(name);
        for (const one of value) headers.append(given, one);
      } else headers.set(given, String(value));
    }
    if (block !== null && out["x-powered-by"] !== undefined) headers.delete("x-powered-by");
  }
  if (idHeader !== null && id !== undefined && (out === null || out[idHeader] === undefined)) headers.set(idHeader, id);
  if (!keepAlive && (out === null || out.connection === undefined)) headers.set("Connection", "close");
  return response;
}
