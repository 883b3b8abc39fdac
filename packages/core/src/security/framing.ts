import type { IncomingMessage } from "node:http";
import { HttpError } from "../errors/http-error";

/**
 * Why a request's framing cannot be trusted, or null. Node's HTTP/1 parser takes both of
 * these; a proxy in front may frame them otherwise (request smuggling):
 *
 * - an HTTP/1.0 request with `Transfer-Encoding` (RFC 9112 §6.1: the framing is faulty even
 *   with a Content-Length, and the connection must close after it): 400 `AEX_FRAMING_INVALID`;
 * - a request line that says `HTTP/2` or later on an HTTP/1 connection (HTTP/2 has no request
 *   line; RFC 9110 §15.6.6): 505 `AEX_HTTP_VERSION`.
 *
 * This is the hot path: two comparisons for an HTTP/1.1 request.
 */
export function faultyFraming(req: IncomingMessage): HttpError | null {
  const major = req.httpVersionMajor;
  if (major === 1) {
    if (req.httpVersionMinor !== 0 || req.headers["transfer-encoding"] === undefined) return null;
    return new HttpError(400, "An HTTP/1.0 request cannot use Transfer-Encoding", {
      code: "AEX_FRAMING_INVALID",
      headers: { Connection: "close" },
    });
  }
  if (major < 2 || (req as { stream?: unknown }).stream !== undefined) return null;
  return new HttpError(505, `HTTP/${major}.${req.httpVersionMinor} is not spoken on this connection`, {
    code: "AEX_HTTP_VERSION",
    headers: { Connection: "close" },
  });
}
