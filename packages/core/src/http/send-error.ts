import type { ServerResponse } from "node:http";
import type { HttpError } from "../errors/http-error";
import type { AexResponse } from "./response";

/** The JSON body of every error Aex answers. */
export interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
  code?: string;
  details?: unknown;
  stack?: string;
}

/**
 * Answers `error` as JSON. A message that is not exposed (a 5xx) is replaced by the
 * status text in production; in development the message and stack are shown.
 */
export function sendError(res: ServerResponse, error: HttpError, production: boolean): void {
  if (res.headersSent) {
    // Too late for a status: cut the response so the client sees it failed.
    if (!res.writableEnded) res.destroy(error);
    return;
  }
  const body: ErrorBody = {
    statusCode: error.status,
    error: error.statusText,
    message: error.expose || !production ? error.message : error.statusText,
  };
  if (error.code !== undefined) body.code = error.code;
  if (error.details !== undefined && (error.expose || !production)) body.details = error.details;
  if (!production && !error.expose) {
    const original = error.cause instanceof Error ? error.cause : error;
    body.stack = original.stack;
  }
  // Headers describing the body that was meant to be sent no longer hold; others
  // (CORS, security headers) still do.
  for (const name of res.getHeaderNames()) {
    if (name.startsWith("content-") || name === "etag" || name === "last-modified") res.removeHeader(name);
  }
  if (error.headers !== undefined) {
    for (const [name, value] of Object.entries(error.headers)) res.setHeader(name, value);
  }
  res.statusCode = error.status;
  res.setHeader("Content-Type", "application/json; charset=utf-8");
  res.end(JSON.stringify(body));
}

/**
 * The default 404, written directly: unmatched requests are common (scanners, typos)
 * and need no Error object with a stack trace.
 */
export function sendNotFound(res: AexResponse, method: string | undefined, path: string): void {
  res.statusCode = 404;
  res.json({ statusCode: 404, error: "Not Found", message: `Cannot ${method} ${path}`, code: "AEX_NOT_FOUND" });
}
