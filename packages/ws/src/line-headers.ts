import type { AexResponse } from "@aex/core";

/** Headers of the handshake that the WebSocket server writes itself; the line's own headers must not replace them. */
const HANDSHAKE_HEADERS = new Set(["connection", "upgrade", "content-length", "content-type", "transfer-encoding"]);

/**
 * The headers the line set on the upgrade's response (request id, a rotated session's
 * cookie, security headers), as `[name, value]` pairs for the 101 answer.
 */
export function lineHeaders(res: AexResponse): [string, string][] {
  const pairs: [string, string][] = [];
  for (const [name, value] of Object.entries(res.getHeaders())) {
    if (value === undefined || HANDSHAKE_HEADERS.has(name) || name.startsWith("sec-websocket-")) continue;
    for (const one of Array.isArray(value) ? value : [value]) pairs.push([name, String(one)]);
  }
  return pairs;
}
