import type { ServerResponse } from "node:http";
import type { HttpError } from "../errors/http-error";
import { problemPage, toProblem, type Problem } from "../errors/problem";
import { prefersHtml } from "./negotiate";
import { pathOf } from "../router/path-of";

const PROBLEM_TYPE = "application/problem+json; charset=utf-8";
const HTML_TYPE = "text/html; charset=utf-8";

/** How one error response is written. */
export interface ErrorContext {
  /** Development mode: messages and stacks of 5xx errors are shown. */
  readonly dev: boolean;
  /** The request id, echoed in the body. */
  readonly requestId?: string;
}

/** Writes `problem` as problem+json, or as a small HTML page for a browser. */
function writeProblem(res: ServerResponse, problem: Problem, html: boolean): void {
  const body = html ? problemPage(problem) : JSON.stringify(problem);
  // setHeader, not writeHead: `beforeEnd` tasks (a session's cookie) may still add headers.
  res.statusCode = problem.status;
  res.setHeader("Content-Type", html ? HTML_TYPE : PROBLEM_TYPE);
  res.setHeader("Content-Length", Buffer.byteLength(body));
  res.end(body);
}

/**
 * Writes the default answer for `error`: RFC 9457 problem details
 * (`application/problem+json`), or an HTML page when the client prefers HTML. Messages
 * that are not exposed (5xx) stay out of the body unless `dev` is on. Apps do not call
 * this: errors reach it through the app's one error path (`app.answerError`), which
 * logs them and runs the custom error handler first.
 */
export function sendError(res: ServerResponse, error: HttpError, context: ErrorContext): void {
  if (res.headersSent) {
    // Too late for a status: cut the response so the client sees it failed.
    if (!res.writableEnded) res.destroy(error);
    return;
  }
  // Headers describing the body that was meant to be sent no longer hold; others
  // (CORS, security headers, the request id) still do.
  for (const name of res.getHeaderNames()) {
    if (name.startsWith("content-") || name === "etag" || name === "last-modified") res.removeHeader(name);
  }
  if (error.headers !== undefined) {
    for (const [name, value] of Object.entries(error.headers)) res.setHeader(name, value);
  }
  const req = (res as ServerResponse & { req?: { url?: string; headers: { accept?: string } } }).req;
  const problem = toProblem(error, req ? pathOf(req.url) : undefined, context.requestId, context.dev);
  writeProblem(res, problem, prefersHtml(req?.headers.accept));
}

/**
 * The default 404, written directly: unmatched requests are common (scanners, typos)
 * and need no Error object with a stack trace.
 */
export function sendNotFound(
  res: ServerResponse,
  method: string | undefined,
  path: string,
  accept: string | undefined,
  requestId: string | undefined,
): void {
  const problem: Problem = {
    type: "about:blank",
    title: "Not Found",
    status: 404,
    detail: `Cannot ${method} ${path}`,
    instance: path,
    code: "AEX_NOT_FOUND",
  };
  if (requestId !== undefined) problem.requestId = requestId;
  writeProblem(res, problem, prefersHtml(accept));
}
