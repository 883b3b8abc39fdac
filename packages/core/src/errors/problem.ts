import type { HttpError } from "./http-error";

/** One failing field of a validation error (`problem.errors`). */
export interface FieldError {
  /** The field's path, e.g. `"body.title"` or `"title"`. */
  field: string;
  /** The rule it broke, e.g. `"minLength"`. */
  rule: string;
  /** What is wrong, in plain English; never the rejected value. */
  message: string;
}

/**
 * The body of every error response: RFC 9457 problem details, plus Aex's members
 * `code`, `requestId`, `errors` (validation) and, in development only, `stack`.
 */
export interface Problem {
  /** A URI naming the kind of problem; `about:blank` when the status says it all. */
  type: string;
  /** The status text, e.g. `"Not Found"`. */
  title: string;
  /** The HTTP status. */
  status: number;
  /** What happened to this request; absent for a 5xx outside development. */
  detail?: string;
  /** The request path (without its query string). */
  instance?: string;
  /** The error's machine-readable code (`AEX_NOT_FOUND`…). */
  code?: string;
  /** The request's id, also in the `X-Request-Id` header. */
  requestId?: string;
  /** Validation failures, one per field and rule. */
  errors?: FieldError[];
  /** Other JSON-safe details of an exposed error. */
  details?: unknown;
  /** Development only. */
  stack?: string;
}

function isFieldError(value: unknown): value is FieldError {
  if (typeof value !== "object" || value === null) return false;
  const { field, rule, message } = value as Partial<Record<keyof FieldError, unknown>>;
  return typeof field === "string" && typeof rule === "string" && typeof message === "string";
}

/** `details.errors` as field errors, each cut to field, rule and message (no raw input). */
function fieldErrors(details: unknown): FieldError[] | undefined {
  if (typeof details !== "object" || details === null) return undefined;
  const { errors } = details as { errors?: unknown };
  if (!Array.isArray(errors) || !errors.every(isFieldError)) return undefined;
  return errors.map(({ field, rule, message }) => ({ field, rule, message }));
}

/**
 * The problem details of `error`. A message that is not exposed (a 5xx by default)
 * leaves no `detail`, and `details` are dropped, unless `dev` is on; then the
 * original error's stack is added too.
 *
 * @example
 * toProblem(new HttpError(403, "Only admins", { code: "NOT_ADMIN" }), "/admin", "k3x9-1", false);
 * // { type: "about:blank", title: "Forbidden", status: 403, detail: "Only admins", … }
 */
export function toProblem(
  error: HttpError,
  instance: string | undefined,
  requestId: string | undefined,
  dev: boolean,
): Problem {
  const title = error.statusText;
  const problem: Problem = { type: error.type ?? "about:blank", title, status: error.status };
  const shown = error.expose || dev;
  if (shown && error.message !== title) problem.detail = error.message;
  if (instance !== undefined) problem.instance = instance;
  if (error.code !== undefined) problem.code = error.code;
  if (requestId !== undefined) problem.requestId = requestId;
  if (shown && error.details !== undefined) {
    const errors = fieldErrors(error.details);
    if (errors === undefined) problem.details = error.details;
    else {
      problem.errors = errors;
      // The other members (`@filter`'s `in`, `field`, `rule`) stay under `details`.
      const { errors: _listed, ...rest } = error.details as Record<string, unknown>;
      if (Object.keys(rest).length > 0) problem.details = rest;
    }
  }
  if (dev && !error.expose) {
    const original = error.cause instanceof Error ? error.cause : error;
    problem.stack = original.stack;
  }
  return problem;
}

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

/** The small HTML page a browser gets for a problem; every value is escaped. */
export function problemPage(problem: Problem): string {
  const heading = escapeHtml(`${problem.status} ${problem.title}`);
  const lines = [`<h1>${heading}</h1>`];
  if (problem.detail !== undefined) lines.push(`<p>${escapeHtml(problem.detail)}</p>`);
  for (const e of problem.errors ?? []) lines.push(`<p>${escapeHtml(`${e.field}: ${e.message}`)}</p>`);
  const ids = [problem.code, problem.requestId && `request ${problem.requestId}`].filter(Boolean).join(" · ");
  if (ids !== "") lines.push(`<p><small>${escapeHtml(ids)}</small></p>`);
  if (problem.stack !== undefined) lines.push(`<pre>${escapeHtml(problem.stack)}</pre>`);
  return (
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${heading}</title></head>` +
    `<body>${lines.join("")}</body></html>`
  );
}
