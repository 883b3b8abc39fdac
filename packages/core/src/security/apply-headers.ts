import { ServerResponse, type IncomingMessage, type OutgoingHttpHeader, type OutgoingHttpHeaders } from "node:http";
import { SECURITY_HEADER_NAMES, type SecurityHeaders } from "./headers";

type OutHeaders = Record<string, [string, string | number | readonly string[]]>;

/**
 * Node's own store of the headers set so far (`res.getHeaders()` reads it). Writing to it
 * adds a precomputed, already validated header without `setHeader`'s checks; where it
 * cannot be found (another runtime), `setHeader` is used.
 */
const OUT_HEADERS: symbol | undefined = Object.getOwnPropertySymbols(
  new ServerResponse({ method: "GET", httpVersionMajor: 1, httpVersionMinor: 1, headers: {} } as IncomingMessage),
).find((symbol) => symbol.description === "kOutHeaders");

/** Whether anything set a header on `res` yet (then `writeHead` merges instead of taking an array). */
export function hasHeadersSet(res: ServerResponse): boolean {
  if (OUT_HEADERS === undefined) return res.getHeaderNames().length > 0;
  const headers = (res as unknown as Record<symbol, OutHeaders | null | undefined>)[OUT_HEADERS];
  return headers !== null && headers !== undefined;
}

/**
 * Whether the response's own headers, those set on it and `extra` (writeHead's argument),
 * name a security header, `X-Powered-By` or the request id header `idHeader`: then those
 * are merged header by header, not spliced into the head as one string. True where node's
 * header store cannot be seen.
 */
export function setsHeaderOf(
  res: ServerResponse,
  extra: OutgoingHttpHeaders | readonly OutgoingHttpHeader[] | undefined,
  idHeader: string | null,
): boolean {
  if (OUT_HEADERS === undefined) return true;
  const own = (res as unknown as Record<symbol, OutHeaders | null | undefined>)[OUT_HEADERS];
  if (own !== null && own !== undefined) for (const name in own) if (isAdded(name, idHeader)) return true;
  if (extra === undefined || extra === null) return false;
  if (!Array.isArray(extra)) {
    for (const name in extra) if (isAdded(name.toLowerCase(), idHeader)) return true;
    return false;
  }
  // node takes [name, value, name, value…] and [[name, value]…].
  const pairs = Array.isArray(extra[0]);
  for (let i = 0; i < extra.length; i += pairs ? 1 : 2) {
    const name = pairs ? (extra[i] as readonly unknown[])[0] : extra[i];
    if (isAdded(String(name).toLowerCase(), idHeader)) return true;
  }
  return false;
}

/** Whether `name` (lower case) is a header Aex adds to responses or drops from them. */
function isAdded(name: string, idHeader: string | null): boolean {
  return SECURITY_HEADER_NAMES.has(name) || name === idHeader;
}

/**
 * Adds the block's headers the response does not set itself, HSTS when `secure`, and
 * drops `X-Powered-By` (an Express middleware may add it). Runs once per response, in
 * `writeHead`, for responses that set headers of their own.
 */
export function addSecurityHeaders(res: ServerResponse, block: SecurityHeaders, secure: boolean): void {
  const holder = res as unknown as Record<symbol, OutHeaders | null>;
  if (OUT_HEADERS === undefined) {
    for (const [lower, name, value] of block.entries) if (!res.hasHeader(lower)) res.setHeader(name, value);
    if (secure && block.hsts !== null && !res.hasHeader("strict-transport-security")) {
      res.setHeader("Strict-Transport-Security", block.hsts);
    }
    res.removeHeader("x-powered-by");
    return;
  }
  let headers = holder[OUT_HEADERS];
  if (headers === null || headers === undefined) headers = holder[OUT_HEADERS] = Object.create(null) as OutHeaders;
  for (const [lower, name, value] of block.entries) if (headers[lower] === undefined) headers[lower] = [name, value];
  if (secure && block.hsts !== null && headers["strict-transport-security"] === undefined) {
    headers["strict-transport-security"] = ["Strict-Transport-Security", block.hsts];
  }
  if (headers["x-powered-by"] !== undefined) delete headers["x-powered-by"];
}

/**
 * Adds the request id header (`name`, lower case) with `id`, unless the response set it
 * or there is no id. The id is safe to send as is: a generated one, or a client's that
 * passed `isSafeRequestId`. Runs in `writeHead`, for responses that set headers of their own.
 */
export function addRequestId(res: ServerResponse, name: string, id: string | undefined): void {
  if (id === undefined) return;
  if (OUT_HEADERS === undefined) {
    if (!res.hasHeader(name)) res.setHeader(name, id);
    return;
  }
  const holder = res as unknown as Record<symbol, OutHeaders | null>;
  let headers = holder[OUT_HEADERS];
  if (headers === null || headers === undefined) headers = holder[OUT_HEADERS] = Object.create(null) as OutHeaders;
  if (headers[name] === undefined) headers[name] = [name, id];
}
