import type { ServerResponse } from "node:http";
import { HttpError } from "../errors/http-error";
import type { KnownPath } from "../router/path-methods";

/**
 * The error for a request whose path has routes, but none for its method: 426 for a
 * plain GET to a WebSocket path (it needs an upgrade), 405 with `Allow` otherwise.
 */
export function methodMismatch(method: string, path: string, known: KnownPath): HttpError {
  if (known.upgrade && method === "GET") {
    return new HttpError(426, `GET ${path} needs a WebSocket upgrade`, {
      code: "AEX_UPGRADE_REQUIRED",
      headers: { Upgrade: "websocket" },
    });
  }
  return new HttpError(405, `${path} does not answer ${method}`, {
    code: "AEX_METHOD_NOT_ALLOWED",
    headers: { Allow: known.allow },
  });
}

/** Answers `OPTIONS` for a path that has no OPTIONS route: 204 with `Allow` (RFC 9110 §9.3.7). */
export function answerOptions(res: ServerResponse, known: KnownPath): void {
  res.statusCode = 204;
  res.setHeader("Allow", known.allow);
  res.end();
}
