import type { SecurityHeaders } from "../security/headers";

/** A header value as node's `setHeader` takes it. */
export type HeaderValue = number | string | readonly string[];

/** A response's own headers: lower-case name to the name as set and its value (node's store). */
export type OwnHeaders = Record<string, [string, HeaderValue]>;

/** A security block as `Headers`, made once per block (a route's `@headers` has its own). */
const BLOCK_HEADERS = new WeakMap<SecurityHeaders, { plain: Headers; tls: Headers }>();

function blockHeaders(block: SecurityHeaders, tls: boolean): Headers {
  let made = BLOCK_HEADERS.get(block);
  if (made === undefined) {
    const plain = new Headers();
    for (let i = 0; i < block.flat.length; i += 2) plain.append(block.flat[i], block.flat[i + 1]);
    const withHsts = new Headers(plain);
    if (block.hsts !== null) withHsts.set("Strict-Transport-Security", block.hsts);
    made = { plain, tls: withHsts };
    BLOCK_HEADERS.set(block, made);
  }
  return tls ? made.tls : made.plain;
}

/**
 * The headers of an answer: the security block (with HSTS when `tls`), the response's own over
 * it (`X-Powered-By` dropped under a block), the request id unless set, `Connection: close`
 * when the connection must not be kept.
 */
export function headersOut(
  out: OwnHeaders | null,
  block: SecurityHeaders | null,
  tls: boolean,
  idHeader: string | null,
  id: string | undefined,
  keepAlive: boolean,
): Headers {
  const headers = block === null ? new Headers() : new Headers(blockHeaders(block, tls));
  if (out !== null) {
    for (const name in out) {
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
  return headers;
}
