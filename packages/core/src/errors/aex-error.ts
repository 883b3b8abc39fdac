/**
 * Every setup-time error code Aex core can throw, with the one-line reason a user reads.
 * Other packages declare theirs ({@link defineSetupErrors}). `docs/errors.md` lists each
 * of them; a test keeps the two in step.
 */
export const AEX_ERROR_CODES = {
  AEX_ERR_OPTIONS: "new Aex() was given an option it cannot use",
  AEX_ERR_PUSH_NOT_CLASS: "aex.push() takes a class (a constructor function)",
  AEX_ERR_PUSH_DUPLICATE: "this class was already pushed to this Aex instance",
  AEX_ERR_ALREADY_PREPARED: "routes, classes and middlewares must be added before prepare()",
  AEX_ERR_MIDDLEWARE_INVALID: "a middleware or handler must be a function",
  AEX_ERR_ROUTE_INVALID: "a route path must be '*' or start with '/'",
  AEX_ERR_DECORATOR_ARGS: "a decorator was given arguments it cannot use",
  AEX_ERR_DECORATOR_TARGET: "Aex decorators go on instance methods of a class",
  AEX_ERR_DECORATOR_METADATA:
    "a standard decorator got no context.metadata: import @aex/core before the class is defined, so Symbol.metadata exists",
  AEX_ERR_PLUGIN_INVALID: "aex.register() takes a plugin: an object with a setup(app, options) function",
  AEX_ERR_PLUGIN_DUPLICATE: "this plugin is already registered on this Aex instance",
  AEX_ERR_PLUGIN_HELPER_TAKEN: "a request or response helper of that name already exists",
  AEX_ERR_INJECT_NO_WEBSOCKET: "aex.inject().ws() needs a WebSocket plugin on the app (@aex/ws)",
  AEX_ERR_SECURITY_HEADERS: "a security header option has a value that cannot be sent",
  AEX_ERR_GUARD_OPTIONS: "a guard (rate limit, CSRF, JWT, API key, flood) was given options it cannot use",
  AEX_ERR_COMPRESS_OPTIONS: "compress() was given an option it cannot use",
  AEX_ERR_CLUSTER_OPTIONS: "runCluster() was given an option it cannot use",
  AEX_ERR_CLUSTER_CRASH_LOOP: "the cluster stopped: its workers keep dying before they listen",
  AEX_ERR_START_OPTIONS: "aex.start() was given a port, TLS or HTTP/2 option it cannot use",
} as const;

/** A code from {@link AEX_ERROR_CODES}. */
export type AexErrorCode = keyof typeof AEX_ERROR_CODES;

/**
 * A mistake in how Aex is set up (a bad decorator argument, a class pushed twice…).
 * Thrown at decoration, registration or prepare time, never while serving a request.
 * Core's codes are {@link AEX_ERROR_CODES}; a package declares its own with
 * {@link defineSetupErrors}.
 *
 * @example
 * try { aex.push(Home); aex.push(Home); } catch (e) {
 *   if (e instanceof AexError && e.code === "AEX_ERR_PUSH_DUPLICATE") { … }
 * }
 */
export class AexError extends Error {
  /** `"AexError"`. */
  override readonly name = "AexError";

  /**
   * @param code What went wrong: one of {@link AEX_ERROR_CODES}, or a package's own code.
   * @param detail What it went wrong with (a class name, a value), added to the message.
   * @param reason The code's one-line reason (core's codes have theirs).
   */
  constructor(
    readonly code: AexErrorCode | (string & {}),
    detail?: string,
    reason: string = (AEX_ERROR_CODES as Record<string, string>)[code] ?? code,
  ) {
    super(detail ? `${reason}: ${detail}` : reason);
  }
}

/**
 * Declares a package's own setup error codes, each with the one-line reason a user reads,
 * and returns the function that makes its errors. Name the map `…_ERROR_CODES` and export
 * it: docs/errors.md must list every code (a test checks it).
 *
 * @example
 * export const METRICS_ERROR_CODES = { AEX_ERR_METRICS_OPTIONS: "metrics() was given an option it cannot use" } as const;
 * const setupError = defineSetupErrors(METRICS_ERROR_CODES);
 * throw setupError("AEX_ERR_METRICS_OPTIONS", "path must start with /");
 */
export function defineSetupErrors<Codes extends Readonly<Record<string, string>>>(
  codes: Codes,
): (code: keyof Codes & string, detail?: string) => AexError {
  return (code, detail) => new AexError(code, detail, codes[code]);
}
