import { STATUS_CODES } from "node:http";

/** Options of an {@link HttpError}. */
export interface HttpErrorOptions {
  /** Whether the message may be shown to the client; defaults to `status < 500`. */
  expose?: boolean;
  /** A machine-readable code sent in the error body, e.g. `"AEX_BODY_INVALID"`. */
  code?: string;
  /** Headers to send with the error response (e.g. `Allow`, `Retry-After`). */
  headers?: Record<string, string>;
  /**
   * Extra JSON-safe details sent in the body (only when exposed). `{ errors: [{ field,
   * rule, message }] }` becomes the problem's `errors` array.
   */
  details?: unknown;
  /** The error that caused this one, kept for logs. */
  cause?: unknown;
  /** A URI naming the kind of problem (RFC 9457 `type`); default `about:blank`. */
  type?: string;
}

/**
 * An error that knows its HTTP status. Throw it from any step or handler and the
 * client gets that status with a JSON body; the process keeps serving.
 *
 * @example
 * throw new HttpError(403, "Only admins may do this");
 */
export class HttpError extends Error {
  /** `"HttpError"`. */
  override readonly name = "HttpError";
  /** The HTTP status, 400-599 (anything else becomes 500). */
  readonly status: number;
  /** Whether the message is shown to the client (default: `status < 500`). */
  readonly expose: boolean;
  /** The machine-readable code of the response body. */
  readonly code?: string;
  /** Headers sent with the error response. */
  readonly headers?: Record<string, string>;
  /** JSON-safe details, sent when exposed. */
  readonly details?: unknown;
  /** The problem type URI of the response body, when not `about:blank`. */
  readonly type?: string;

  constructor(status: number, message?: string, options: HttpErrorOptions = {}) {
    super(message ?? STATUS_CODES[status] ?? "Error", { cause: options.cause });
    this.status = status >= 400 && status <= 599 ? status : 500;
    this.expose = options.expose ?? this.status < 500;
    this.code = options.code;
    this.headers = options.headers;
    this.details = options.details;
    this.type = options.type;
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
    return new HttpError(500, message, { cause: error, expose: false, code: "AEX_INTERNAL" });
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
  AEX_METHOD_NOT_ALLOWED: "405: the path has routes, none for this method (Allow lists the path's methods)",
  AEX_UPGRADE_REQUIRED: "426: a plain GET to a WebSocket path (Upgrade: websocket says what it needs)",
  AEX_PARAM_TOO_LONG: "414: a route parameter is longer than maxParamLength",
  AEX_PARAM_MALFORMED: "400: a route parameter has a malformed percent-escape",
  AEX_HANDLER_TIMEOUT: "503: the handler did not answer within handlerTimeout",
  AEX_SHUTTING_DOWN: "503: the app is closing; the connection is closed after this answer",
  AEX_NOT_READY: "503: the readiness endpoint: starting, closing, or a check failed or timed out",
  AEX_INTERNAL: "500: an unexpected error in a step or handler (its message and stack are logged)",
  AEX_BODY_INVALID: "400: the body is malformed (bad JSON, bad urlencoding, wrong length)",
  AEX_BODY_TOO_LARGE: "413: the body, or its number of parameters, is over the limit",
  AEX_BODY_UNSUPPORTED_ENCODING: "415: the body's charset or content encoding is not supported",
  AEX_BODY_UNSUPPORTED_TYPE:
    "415: the body's media type is not one the route parses, or it has none (details.accepted and Accept-Post list the types)",
  AEX_BODY_ABORTED: "400: the client stopped sending the body",
  AEX_BODY_TOO_DEEP: "400: the JSON body nests deeper than limits.jsonDepth (default 64)",
  AEX_BODY_TIMEOUT: "408: the body took longer than limits.bodyTimeout, or stalled past limits.bodyIdleTimeout",
  AEX_FRAMING_INVALID:
    "400: an HTTP/1.0 request with Transfer-Encoding, whose framing RFC 9112 6.1 says is faulty (the connection closes)",
  AEX_HTTP_VERSION: "505: a request line that says HTTP/2 or later on an HTTP/1 connection (the connection closes)",
  AEX_HEADER_INVALID: "400: a handler set a response header whose value has CR, LF or another invalid character",
  AEX_QUERY_TOO_LARGE: "414: the query string has more parameters than limits.queryParameters (default 1000)",
  AEX_FORMDATA_INVALID: "400: the multipart body is malformed or truncated, or a part has no name",
  AEX_FORMDATA_LIMIT: "413: too many files, fields or parts, or a file, field value or field name too large",
  AEX_FILTER_INVALID:
    "400: @filter rejected params, query or body (or the app's or the check's validationStatus, e.g. 422)",
  AEX_VALIDATION_FAILED:
    "400: a schema of @body, @query or @params rejected the request (the problem's errors names each field; or the app's or the check's validationStatus, e.g. 422)",
  AEX_NOT_IMPLEMENTED: "501: @rest/@api has no method for this verb or action",
  AEX_STATIC_NOT_FOUND: "404: no servable file at this path",
  AEX_STATIC_BAD_PATH: "400: the file path has a malformed escape or a null byte",
  AEX_METHOD_OVERRIDE_INVALID: "400: methodOverride() was asked for a method it does not allow",
  AEX_RATE_LIMITED: "429: the client sent more requests than the rate limit allows (Retry-After says when to retry)",
  AEX_RATE_LIMIT_UNAVAILABLE: "503: the rate-limit store is unreachable and the limit is set to fail closed",
  AEX_CSRF_ORIGIN: "403: an unsafe request came from another origin (Origin or Sec-Fetch-Site)",
  AEX_CSRF_MISSING: "403: an unsafe request carried no CSRF token (X-CSRF-Token header or _csrf field)",
  AEX_CSRF_INVALID: "403: the CSRF token does not match the session's or the cookie's",
  AEX_FLOOD_BANNED: "429: the client's address is banned for a while after too many requests",
  AEX_FLOOD_CONNECTIONS: "503: too many open connections from this address (answered on the raw socket)",
} as const;
