import { AexError } from "../errors/aex-error";
import { DEFAULT_BODY_LIMITS, type BodyLimits } from "../parsers/body-limits";
import type { AexOptions } from "./options";

/** Says what a value must be, or null when it is fine. */
type Check = (value: unknown) => string | null;

const LEVELS = ["trace", "debug", "info", "warn", "error", "fatal", "silent"];

const wholeNumber =
  (min: number, unit: string, note = ""): Check =>
  (value) =>
    Number.isSafeInteger(value) && (value as number) >= min ? null : `a whole number of ${unit} ≥ ${min}${note}`;

const milliseconds = (note = ""): Check => wholeNumber(0, "milliseconds", note);
const flag: Check = (value) => (typeof value === "boolean" ? null : "true or false");
const oneOf =
  (choices: readonly string[]): Check =>
  (value) =>
    typeof value === "string" && choices.includes(value) ? null : `one of ${choices.join(", ")}`;
/** A client-error status: what a failed validation may answer with. */
export const clientErrorStatus: Check = (value) =>
  Number.isInteger(value) && (value as number) >= 400 && (value as number) <= 499
    ? null
    : "a 4xx status (400-499), such as 422";
const headerName: Check = (value) =>
  typeof value === "string" && /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(value) ? null : "a header name (RFC 9110 token)";

/** A plain object (its members are checked on their own, below). */
const plainObject =
  (what: string): Check =>
  (value) =>
    typeof value === "object" && value !== null && !Array.isArray(value) ? null : what;

// Every option of AexOptions has its check: the mapped type makes a new option without one a
// compile error.
const OPTION_CHECKS: { readonly [K in keyof Required<AexOptions>]: Check } = {
  handlerTimeout: milliseconds(" (0 turns the guard off)"),
  maxParamLength: wholeNumber(1, "characters"),
  basePath: (value) =>
    typeof value === "string" && value.startsWith("/") && !value.includes("*") && !value.includes(":")
      ? null
      : 'a path such as "/api" (no parameters, no wildcard)',
  closeTimeout: milliseconds(),
  closeDelay: milliseconds(),
  server: plainObject("an object of node http.createServer options"),
  methodNotAllowed: flag,
  dev: flag,
  production: flag,
  logger: (value) =>
    typeof value === "boolean" || (typeof value === "object" && value !== null)
      ? null
      : "true, false, pino options or a pino logger",
  logLevel: oneOf(LEVELS),
  logRequests: flag,
  validateResponses: flag,
  validationStatus: clientErrorStatus,
  requestId: plainObject("an object { trust?, header?, echo? }"),
  handleSignals: flag,
  shutdownTimeout: milliseconds(),
  limits: plainObject(`an object of body limits (${Object.keys(DEFAULT_BODY_LIMITS).join(", ")})`),
  securityHeaders: (value) =>
    value === false || (typeof value === "object" && value !== null) ? null : "false or an object of header options",
  trustProxy: (value) =>
    ["boolean", "number", "string", "function"].includes(typeof value) ||
    (Array.isArray(value) && value.every((item) => typeof item === "string"))
      ? null
      : 'true, a hop count, an address/CIDR/"loopback" (or a list of them) or a function',
};

const SERVER_CHECKS: Readonly<Record<string, Check>> = {
  maxHeaderSize: wholeNumber(1, "bytes"),
  headersTimeout: milliseconds(" (0 turns it off)"),
  requestTimeout: milliseconds(" (0 turns it off)"),
  keepAliveTimeout: milliseconds(),
  connectionsCheckingInterval: wholeNumber(1, "milliseconds"),
};

const REQUEST_ID_CHECKS: Readonly<Record<string, Check>> = { trust: flag, header: headerName, echo: flag };

const LIMIT_CHECKS: { readonly [K in keyof BodyLimits]: Check } = {
  queryParameters: wholeNumber(1, "parameters"),
  jsonDepth: wholeNumber(1, "levels"),
  bodyTimeout: milliseconds(" (0 turns it off)"),
  bodyIdleTimeout: milliseconds(" (0 turns it off)"),
  lingerTimeout: milliseconds(),
  drainLimit: wholeNumber(0, "bytes"),
};

/**
 * Checks `new Aex(options)` before anything is built: a value of the wrong type or range, or
 * an option Aex does not know (a typo), throws `AEX_ERR_OPTIONS` naming the option, what it
 * accepts and what it got, instead of an app that silently runs with a default.
 */
export function validateOptions(options: unknown): void {
  if (options === undefined) return;
  if (typeof options !== "object" || options === null || Array.isArray(options)) {
    throw new AexError("AEX_ERR_OPTIONS", `new Aex() takes an object of options, not ${describe(options)}`);
  }
  checkMembers(options as Record<string, unknown>, OPTION_CHECKS, "");
  const { server, requestId, limits } = options as AexOptions;
  // node's own server options are many: only the ones Aex sets defaults for are checked.
  if (server !== undefined) checkMembers(server as Record<string, unknown>, SERVER_CHECKS, "server.", false);
  if (requestId !== undefined) checkMembers(requestId, REQUEST_ID_CHECKS, "requestId.");
  if (limits !== undefined) checkMembers(limits, LIMIT_CHECKS, "limits.");
}

function checkMembers(given: object, checks: Readonly<Record<string, Check>>, prefix: string, closed = true): void {
  for (const [name, value] of Object.entries(given)) {
    const check = checks[name];
    if (check === undefined) {
      if (!closed) continue;
      const near = closest(name, Object.keys(checks));
      throw new AexError(
        "AEX_ERR_OPTIONS",
        `unknown option ${prefix}${name}${near === null ? "" : ` (did you mean ${prefix}${near}?)`}`,
      );
    }
    if (value === undefined) continue;
    const accepts = check(value);
    if (accepts !== null) {
      throw new AexError("AEX_ERR_OPTIONS", `${prefix}${name} must be ${accepts}, not ${describe(value)}`);
    }
  }
}

function describe(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "number" || typeof value === "boolean" || value === null || value === undefined) {
    return String(value);
  }
  return Array.isArray(value) ? "an array" : `a ${typeof value}`;
}

/** The known name within two edits of `name`, if one is. */
function closest(name: string, names: readonly string[]): string | null {
  let best: string | null = null;
  let bestDistance = 3;
  for (const candidate of names) {
    const distance = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) [best, bestDistance] = [candidate, distance];
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}
