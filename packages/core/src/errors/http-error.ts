import { STATUS_CODES } from "node:http";

/** Options of an {@link HttpError}. */
export interface HttpErrorOptions {
  /** Whether the message may be shown to the client; defaults to `status < 500`. */
  expose?: boolean;
  /** A machine-readable code sent in the error body, e.g. `"AEX_BODY_INVALID_JSON"`. */
  code?: string;
  /** Headers to send with the error response (e.g. `Allow`, `Retry-After`). */
  headers?: Record<string, string>;
  /** Extra JSON-safe details sent in the body (only when exposed), e.g. failing fields. */
  details?: unknown;
  /** The error that caused this one, kept for logs. */
  cause?: unknown;
}

/**
 * An error that knows its HTTP status. Throw it from any step or handler and the
 * client gets that status with a JSON body; the process keeps serving.
 *
 * @example
 * throw new HttpError(403, "Only admins may do this");
 */
export class HttpError extends Error {
  override readonly name = "HttpError";
  readonly status: number;
  readonly expose: boolean;
  readonly code?: string;
  readonly headers?: Record<string, string>;
  readonly details?: unknown;

  constructor(status: number, message?: string, options: HttpErrorOptions = {}) {
    super(message ?? STATUS_CODES[status] ?? "Error", { cause: options.cause });
    this.status = status >= 400 && status <= 599 ? status : 500;
    this.expose = options.expose ?? this.status < 500;
    this.code = options.code;
    this.headers = options.headers;
    this.details = options.details;
  }

  /** The status in the status line, e.g. `"Not Found"`. */
  get statusText(): string {
    return STATUS_CODES[this.status] ?? "Error";
  }
}

/** True for a thrown value that carries a usable HTTP status (`status` or `statusCode`). */
function statusOf(error: unknown): number | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const { status, statusCode } = error as { status?: unknown; statusCode?: unknown };
  const value = typeof status === "number" ? status : statusCode;
  return typeof value === "number" && value >= 400 && value <= 599 ? value : undefined;
}

/**
 * Turns any thrown value into an {@link HttpError}. Errors of other libraries that carry
 * a `status`/`statusCode` (body-parser, http-errors…) keep it; anything else is a 500.
 */
export function toHttpError(error: unknown): HttpError {
  if (error instanceof HttpError) return error;
  const status = statusOf(error);
  if (status === undefined) {
    const message = error instanceof Error ? error.message : String(error);
    return new HttpError(500, message, { cause: error, expose: false });
  }
  const { message, expose, code, type, details } = error as {
    message?: unknown;
    expose?: unknown;
    code?: unknown;
    type?: unknown;
    details?: unknown;
  };
  return new HttpError(status, typeof message === "string" && message !== "" ? message : undefined, {
    cause: error,
    expose: typeof expose === "boolean" ? expose : status < 500,
    code: typeof code === "string" ? code : typeof type === "string" ? type : undefined,
    details,
  });
}

/**
 * The `code` of every error response Aex itself sends (a request's fault, or a
 * handler's). `docs/errors.md` lists each; a test keeps the two in step.
 */
export const HTTP_ERROR_CODES = {
  AEX_NOT_FOUND: "404: no route matched the method and path",
  AEX_PARAM_TOO_LONG: "414: a route parameter is longer than maxParamLength",
  AEX_PARAM_MALFORMED: "400: a route parameter has a malformed percent-escape",
  AEX_HANDLER_TIMEOUT: "503: the handler did not answer within handlerTimeout",
  AEX_BODY_INVALID: "400: the body is malformed (bad JSON, bad urlencoding, wrong length)",
  AEX_BODY_TOO_LARGE: "413: the body, or its number of parameters, is over the limit",
  AEX_BODY_UNSUPPORTED_ENCODING: "415: the body's charset or content encoding is not supported",
  AEX_BODY_ABORTED: "400: the client stopped sending the body",
  AEX_FORMDATA_INVALID: "400: the multipart body is malformed or truncated",
  AEX_FORMDATA_LIMIT: "413: too many files, fields or parts, or one too large",
  AEX_FILTER_INVALID: "400: @filter rejected params, query or body",
  AEX_VALIDATION_FAILED:
    "400: a schema of @body, @query or @params rejected the request (details.errors names each field)",
  AEX_NOT_IMPLEMENTED: "501: @rest/@api has no method for this verb or action",
  AEX_STATIC_NOT_FOUND: "404: no servable file at this path",
  AEX_STATIC_BAD_PATH: "400: the file path has a malformed escape or a null byte",
  AEX_TEMPLATE_FAILED: "500: res.render could not render the template (missing, broken, or outside the views folder)",
} as const;
