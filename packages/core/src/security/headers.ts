import { validateHeaderName, validateHeaderValue } from "node:http";
import { AexError } from "../errors/aex-error";

/** CSP directives: name → sources (`["'self'", "https:"]`), `true` for a bare directive, `false` to drop one. */
export type CspDirectives = Record<string, readonly string[] | string | boolean>;

/**
 * The security headers Aex sends on every response. Each is on by default with the
 * value Helmet uses (listed in docs/security.md); give a string to change one, `false`
 * to drop it. Names are Helmet's.
 *
 * @example
 * new Aex({ securityHeaders: { xFrameOptions: "DENY", contentSecurityPolicy: { "img-src": ["'self'", "https:"] } } });
 */
export interface SecurityHeadersOptions {
  /** Directives merged over the defaults, or `false` for no CSP. The nonce goes into `script-src`. */
  contentSecurityPolicy?: CspDirectives | false;
  /** Default `same-origin`. */
  crossOriginOpenerPolicy?: string | false;
  /** Default `same-origin`. */
  crossOriginResourcePolicy?: string | false;
  /** Default `?1`. */
  originAgentCluster?: string | false;
  /** Default `no-referrer`. */
  referrerPolicy?: string | false;
  /** Sent only over HTTPS (`req.protocol`). Default `max-age=31536000; includeSubDomains`. */
  strictTransportSecurity?: string | false;
  /** Default `nosniff`. */
  xContentTypeOptions?: string | false;
  /** Default `off`. */
  xDnsPrefetchControl?: string | false;
  /** Default `noopen`. */
  xDownloadOptions?: string | false;
  /** Default `SAMEORIGIN` (with CSP `frame-ancestors 'self'`). */
  xFrameOptions?: string | false;
  /** Default `none`. */
  xPermittedCrossDomainPolicies?: string | false;
  /** Default `0` (the old XSS auditor did harm; OWASP). */
  xXssProtection?: string | false;
}

/** Helmet 8's default policy, minus `upgrade-insecure-requests` (it breaks plain-HTTP sites). */
export const DEFAULT_CSP: Readonly<CspDirectives> = Object.freeze({
  "default-src": ["'self'"],
  "base-uri": ["'self'"],
  "font-src": ["'self'", "https:", "data:"],
  "form-action": ["'self'"],
  "frame-ancestors": ["'self'"],
  "img-src": ["'self'", "data:"],
  "object-src": ["'none'"],
  "script-src": ["'self'"],
  "script-src-attr": ["'none'"],
  "style-src": ["'self'", "https:", "'unsafe-inline'"],
});

const HEADER_NAMES = {
  crossOriginOpenerPolicy: ["Cross-Origin-Opener-Policy", "same-origin"],
  crossOriginResourcePolicy: ["Cross-Origin-Resource-Policy", "same-origin"],
  originAgentCluster: ["Origin-Agent-Cluster", "?1"],
  referrerPolicy: ["Referrer-Policy", "no-referrer"],
  xContentTypeOptions: ["X-Content-Type-Options", "nosniff"],
  xDnsPrefetchControl: ["X-DNS-Prefetch-Control", "off"],
  xDownloadOptions: ["X-Download-Options", "noopen"],
  xFrameOptions: ["X-Frame-Options", "SAMEORIGIN"],
  xPermittedCrossDomainPolicies: ["X-Permitted-Cross-Domain-Policies", "none"],
  xXssProtection: ["X-XSS-Protection", "0"],
} as const satisfies Record<string, readonly [string, string]>;

/** Every header a block may carry, lower case (and `x-powered-by`, which blocks remove). */
export const SECURITY_HEADER_NAMES: ReadonlySet<string> = new Set([
  "content-security-policy",
  "strict-transport-security",
  "x-powered-by",
  ...Object.values(HEADER_NAMES).map(([name]) => name.toLowerCase()),
]);

/** The header block of an app or route, computed once: nothing about it is built per request. */
export interface SecurityHeaders {
  /** The options it was made from (a route's `@headers` merges over them). */
  readonly options: SecurityHeadersOptions;
  /** `[name, value, name, value…]`, the CSP without a nonce included. */
  readonly flat: readonly string[];
  /** `[lower-case name, name, value]` triples, for adding to headers already set. */
  readonly entries: readonly (readonly [string, string, string])[];
  /** The `Strict-Transport-Security` value, or null. */
  readonly hsts: string | null;
  /** The CSP around a nonce: `prefix + nonce + suffix`; null without a CSP. */
  readonly nonceCsp: {
    /** The policy up to the nonce. */
    readonly prefix: string;
    /** The policy after the nonce. */
    readonly suffix: string;
  } | null;
  /** `flat` plus two slots for `content-type`/`content-length` (`res.json`/`res.send`). */
  readonly fast: string[];
  /** `fast` with `Strict-Transport-Security`, for HTTPS requests. */
  readonly fastTls: string[];
  /** `fast` with a name and a value slot for the request id before the two others. */
  readonly fastId: string[];
  /** `fastTls` with the request id's slots. */
  readonly fastTlsId: string[];
  /** `flat` as header lines (`Name: value\r\n`…), for a head already built (security/head-splice.ts). */
  readonly lines: string;
  /** `lines` with `Strict-Transport-Security`, for HTTPS requests. */
  readonly linesTls: string;
}

const NONCE_MARK = "\u0000nonce\u0000";

function sources(value: readonly string[] | string | true): string {
  return value === true ? "" : typeof value === "string" ? value : value.join(" ");
}

/** The CSP value, with {@link NONCE_MARK} where the nonce goes in `script-src`. */
function cspOf(given: CspDirectives): string {
  const directives: CspDirectives = { ...DEFAULT_CSP, ...given };
  if (directives["script-src"] === undefined || directives["script-src"] === false) {
    directives["script-src"] = directives["default-src"] ?? ["'self'"];
  }
  const parts: string[] = [];
  for (const [name, value] of Object.entries(directives)) {
    if (value === false) continue;
    if (!/^[a-z-]+$/.test(name)) throw new AexError("AEX_ERR_SECURITY_HEADERS", `CSP directive ${name}`);
    let text = sources(value);
    if (name === "script-src") text = `${text} ${NONCE_MARK}`.trim();
    if (/[;,]/.test(text.replace(NONCE_MARK, ""))) {
      throw new AexError("AEX_ERR_SECURITY_HEADERS", `CSP directive ${name} has ';' or ','`);
    }
    parts.push(text === "" ? name : `${name} ${text}`);
  }
  return parts.join("; ");
}

function checked(name: string, value: string): string {
  try {
    validateHeaderName(name);
    validateHeaderValue(name, value);
  } catch (cause) {
    throw new AexError("AEX_ERR_SECURITY_HEADERS", `${name}: ${(cause as Error).message}`);
  }
  return value;
}

/**
 * Builds the header block of `options` merged over the defaults; bad values throw
 * `AEX_ERR_SECURITY_HEADERS` at startup.
 */
export function resolveSecurityHeaders(options: SecurityHeadersOptions = {}): SecurityHeaders {
  const flat: string[] = [];
  const add = (name: string, value: string) => flat.push(name, checked(name, value));
  let nonceCsp: SecurityHeaders["nonceCsp"] = null;
  if (options.contentSecurityPolicy !== false) {
    const csp = cspOf(options.contentSecurityPolicy ?? {});
    const [prefix, suffix] = csp.split(NONCE_MARK);
    nonceCsp = { prefix: `${prefix}'nonce-`, suffix: `'${suffix}` };
    // Without a nonce read, no inline script runs: `script-src` keeps only its sources.
    add("Content-Security-Policy", csp.replace(` ${NONCE_MARK}`, "").replace(NONCE_MARK, ""));
    checked("Content-Security-Policy", `${nonceCsp.prefix}AAAA${nonceCsp.suffix}`);
  }
  for (const [key, [name, fallback]] of Object.entries(HEADER_NAMES)) {
    const value = options[key as keyof typeof HEADER_NAMES];
    if (value !== false) add(name, value ?? fallback);
  }
  const hstsOption = options.strictTransportSecurity;
  const hsts =
    hstsOption === false
      ? null
      : checked("Strict-Transport-Security", hstsOption ?? "max-age=31536000; includeSubDomains");
  const entries: [string, string, string][] = [];
  for (let i = 0; i < flat.length; i += 2) entries.push([flat[i].toLowerCase(), flat[i], flat[i + 1]]);
  const tls = hsts === null ? flat : [...flat, "Strict-Transport-Security", hsts];
  const slots = ["content-type", "", "content-length", ""];
  const idSlots = ["x-request-id", "", ...slots];
  const linesOf = (pairs: readonly string[]) =>
    pairs.map((part, i) => (i % 2 === 0 ? `${part}: ` : `${part}\r\n`)).join("");
  return {
    options,
    flat,
    entries,
    hsts,
    nonceCsp,
    fast: [...flat, ...slots],
    fastTls: [...tls, ...slots],
    fastId: [...flat, ...idSlots],
    fastTlsId: [...tls, ...idSlots],
    lines: linesOf(flat),
    linesTls: linesOf(tls),
  };
}

/** `route` merged over `app` (a route's `@headers`); CSP directives merge one level deep. */
export function mergeSecurityOptions(
  app: SecurityHeadersOptions | null,
  route: SecurityHeadersOptions,
): SecurityHeadersOptions {
  const base = app ?? {};
  const csp =
    route.contentSecurityPolicy === false || base.contentSecurityPolicy === false
      ? (route.contentSecurityPolicy ?? base.contentSecurityPolicy)
      : { ...base.contentSecurityPolicy, ...route.contentSecurityPolicy };
  return { ...base, ...route, contentSecurityPolicy: csp };
}
