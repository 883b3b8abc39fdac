import { createHmac, randomBytes } from "node:crypto";
import type { CookieOptions } from "../http/cookies";
import { HttpError } from "../errors/http-error";
import type { AexRequest } from "../http/request";
import type { AexResponse } from "../http/response";
import { decoratorStep, type DecoratorStep } from "../registry/decorator-step";
import { isSecure } from "../security/is-secure";
import { hostOf } from "../security/trust-proxy";
import { Scope } from "../scope/scope";
import { safeEqual } from "./constant-time";
import { guardLog } from "./guard-log";

/** Options of {@link csrf}. */
export interface CsrfOptions {
  /** Header carrying the token. Default `X-CSRF-Token`. */
  header?: string;
  /** Body field carrying the token (the body must be parsed before this step). Default `_csrf`. */
  field?: string;
  /**
   * Key of the token's secret in the {@link CsrfStore} (synchronizer mode; a session).
   * Default `csrfSecret`.
   */
  sessionKey?: string;
  /**
   * Cookie of the double-submit token, used when the request has no session. Default
   * `aex.csrf`, and `__Host-aex.csrf` over HTTPS (a sibling subdomain cannot set it).
   */
  cookie?: string;
  /** Options of that cookie. Default `{ path: "/", sameSite: "Strict" }`, `secure` over HTTPS (`isSecure`). */
  cookieOptions?: CookieOptions;
  /** Secret that signs double-submit tokens, so a cookie planted by a sibling domain fails. */
  secret?: string;
  /** Origins besides the request's own allowed to send unsafe requests (`https://app.example`). */
  trustedOrigins?: readonly string[];
  /** Accept `Sec-Fetch-Site: same-site` (sibling subdomains). Default false. */
  allowSameSite?: boolean;
}

/**
 * Where a client's synchronizer token is kept between requests: a store with a secret id
 * (a session), which a plugin puts in the `csrfStore` scope slot before `csrf()` runs
 * (`@aex/session`'s step provides its session). `csrf()` keeps a random secret in it under
 * `sessionKey` and gives out a token bound to `id`, so a new id (a login rotating the
 * session) refuses every token given out for the old one.
 *
 * @example
 * // What a session plugin's step does, so csrf() after it keeps its token there:
 * scope.provide("csrfStore", session); // session: { id: string; [key: string]: unknown }
 */
export interface CsrfStore {
  /** The store's secret id (a session id): a new id ends the tokens given for the old one. */
  readonly id: string;
  /** The store's values: `csrf()` keeps its secret under `sessionKey`. */
  [key: string]: unknown;
}

declare module "../index" {
  interface ScopeSlots {
    /** Where `csrf()` keeps its synchronizer secret: a session (see {@link CsrfStore}). */
    csrfStore: CsrfStore;
  }
  interface Scope {
    /** The request's {@link CsrfStore} (its session), once a plugin's step provided it. */
    readonly csrfStore: CsrfStore | undefined;
    /**
     * The CSRF token to put in this page's forms (`_csrf`) or send as `X-CSRF-Token`, made on
     * first read; undefined on routes without `csrf()`.
     */
    readonly csrfToken: string | undefined;
  }
}

interface CsrfState {
  readonly req: AexRequest;
  readonly res: AexResponse;
  readonly settings: Settings;
  token?: string;
}

interface Settings extends Required<Omit<CsrfOptions, "secret" | "trustedOrigins" | "cookieOptions">> {
  readonly secret: string | undefined;
  readonly trustedOrigins: ReadonlySet<string>;
  readonly cookieOptions: CookieOptions;
}

const STATE = Symbol("aex.csrf");
const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

type WithState = Scope & { [STATE]?: CsrfState };

function newToken(secret: string | undefined): string {
  const value = randomBytes(32).toString("base64url");
  return secret === undefined ? value : `${value}.${sign(value, secret)}`;
}

function sign(value: string, secret: string): string {
  return createHmac("sha256", secret).update(value).digest("base64url");
}

function wellSigned(token: string, secret: string | undefined): boolean {
  if (secret === undefined) return true;
  const dot = token.indexOf(".");
  return dot > 0 && safeEqual(token.slice(dot + 1), sign(token.slice(0, dot), secret));
}

/**
 * The token of a store's secret for its current id. OWASP's HMAC-based token: a token given
 * before the id changed (login) matches no more, and a token tells nothing of the id.
 */
function bound(secret: string, id: string): string {
  return createHmac("sha256", secret).update(id).digest("base64url");
}

/**
 * An origin as browsers serialize it (RFC 6454 §6.1): lower-case, without the scheme's
 * default port, so `Host: App.Example:443` over HTTPS is `https://app.example`.
 */
function canonicalOrigin(origin: string): string {
  const lower = origin.toLowerCase();
  if (lower.startsWith("https://") && lower.endsWith(":443")) return lower.slice(0, -4);
  if (lower.startsWith("http://") && lower.endsWith(":80")) return lower.slice(0, -3);
  return lower;
}

/** The request's own origin, as the browser that loaded the app's page names it. */
function ownOrigin(req: AexRequest, secure: boolean): string {
  return canonicalOrigin(`${secure ? "https" : "http"}://${hostOf(req, req.trustProxy) ?? ""}`);
}

/** The token this request expects: the store's (its session's), else the cookie's. */
function expected(scope: Scope, state: CsrfState): string | undefined {
  const store = scope.csrfStore;
  if (store !== undefined) {
    const secret = store[state.settings.sessionKey];
    return typeof secret === "string" ? bound(secret, store.id) : undefined;
  }
  const cookie = state.req.cookies.get(state.settings.cookie);
  return cookie !== undefined && wellSigned(cookie, state.settings.secret) ? cookie : undefined;
}

/**
 * `scope.csrfStore` (a slot a session step fills) and `scope.csrfToken` (made on first read,
 * so pages that never show a form cost nothing): defined on Scope's prototype when the first
 * csrf() step is built, at prepare(), not when this module loads.
 */
function defineCsrfScope(): void {
  Scope.defineSlot("csrfStore");
  if (Object.getOwnPropertyDescriptor(Scope.prototype, "csrfToken") !== undefined) return;
  Object.defineProperty(Scope.prototype, "csrfToken", {
    configurable: true,
    get: csrfToken,
  });
}

function csrfToken(this: WithState): string | undefined {
  const state = this[STATE];
  if (state === undefined) return undefined;
  if (state.token !== undefined) return state.token;
  const { settings, res } = state;
  let token = expected(this, state);
  if (token === undefined) {
    const store = this.csrfStore;
    if (store !== undefined) {
      const secret = randomBytes(32).toString("base64url");
      (store as Record<string, unknown>)[settings.sessionKey] = secret;
      token = bound(secret, store.id);
    } else {
      token = newToken(settings.secret);
      if (!res.headersSent) res.cookies.set(settings.cookie, token, settings.cookieOptions);
    }
  }
  return (state.token = token);
}

function refuse(
  code: "AEX_CSRF_ORIGIN" | "AEX_CSRF_MISSING" | "AEX_CSRF_INVALID",
  message: string,
  req: AexRequest,
): never {
  guardLog("csrf: %s %s refused (%s)", req.method, req.url, code);
  throw new HttpError(403, message, { code });
}

/** Refuses cross-origin unsafe requests by `Sec-Fetch-Site`, then by `Origin` (OWASP CSRF cheat sheet). */
function checkOrigin(req: AexRequest, settings: Settings, secure: boolean): void {
  const rawOrigin = req.headers.origin;
  const origin = rawOrigin === undefined ? undefined : canonicalOrigin(rawOrigin);
  const site = req.headers["sec-fetch-site"];
  // A browser sends one of four values; anything else (two headers joined, a typo) is not
  // taken for same-origin.
  const sameSite = site === "same-site" && settings.allowSameSite;
  if (site !== undefined && site !== "same-origin" && site !== "none" && !sameSite) {
    if (origin === undefined || !settings.trustedOrigins.has(origin))
      refuse("AEX_CSRF_ORIGIN", "Cross-site request refused", req);
  }
  if (origin === undefined) return;
  if (origin !== ownOrigin(req, secure) && !settings.trustedOrigins.has(origin))
    refuse("AEX_CSRF_ORIGIN", "Cross-origin request refused", req);
}

function submitted(req: AexRequest, scope: Scope, settings: Settings): string | undefined {
  const header = req.headers[settings.header];
  if (typeof header === "string" && header !== "") return header;
  const body: unknown = req.body ?? scope.body;
  const field =
    typeof body === "object" && body !== null ? (body as Record<string, unknown>)[settings.field] : undefined;
  return typeof field === "string" && field !== "" ? field : undefined;
}

/**
 * CSRF protection for cookie-authenticated apps. Safe methods (GET, HEAD, OPTIONS) pass and
 * may read `scope.csrfToken`; any other method must come from the app's own origin
 * (`Sec-Fetch-Site`, `Origin`) and carry the token in `X-CSRF-Token` or the `_csrf` body
 * field. With a session (`@session` before this step) the token's secret lives in the
 * session and the token is bound to the session's id, so a login that rotates the id
 * ends the tokens given before it (synchronizer token, see {@link CsrfStore}); without one
 * it is a double-submit cookie. Refusals are 403 with
 * `AEX_CSRF_ORIGIN`, `AEX_CSRF_MISSING` or `AEX_CSRF_INVALID`; tokens are compared in
 * constant time.
 *
 * @example
 * aex.use(session(store));
 * aex.use(csrf());
 * class Notes {
 *   @get("/new") form(req, res, scope) { res.send(`<input type="hidden" name="_csrf" value="${scope.csrfToken}">`); }
 *   @post("/notes") @body("urlencoded") @csrf() create(req, res) { res.end("saved"); }
 * }
 */
export function csrf(options: CsrfOptions = {}): DecoratorStep {
  const settings: Settings = {
    header: (options.header ?? "X-CSRF-Token").toLowerCase(),
    field: options.field ?? "_csrf",
    sessionKey: options.sessionKey ?? "csrfSecret",
    cookie: options.cookie ?? "aex.csrf",
    cookieOptions: options.cookieOptions ?? { path: "/", sameSite: "Strict" },
    secret: options.secret,
    trustedOrigins: new Set((options.trustedOrigins ?? []).map(canonicalOrigin)),
    allowSameSite: options.allowSameSite ?? false,
  };
  // Over HTTPS (TLS, or a trusted proxy's word) the cookie is Secure unless the app said
  // otherwise, and the default one is `__Host-aex.csrf`: a browser takes a `__Host-` cookie
  // only from this very host (Secure, Path=/, no Domain; RFC 6265bis §4.1.3.2), so a sibling
  // subdomain cannot plant a token it got from the app. Both variants made once.
  const tlsCookie = settings.cookieOptions;
  const hostOnly =
    options.cookie === undefined &&
    tlsCookie.secure !== false &&
    tlsCookie.domain === undefined &&
    tlsCookie.path === "/";
  const tlsSettings: Settings = {
    ...settings,
    cookie: hostOnly ? `__Host-${settings.cookie}` : settings.cookie,
    cookieOptions: tlsCookie.secure === undefined ? { ...tlsCookie, secure: true } : tlsCookie,
  };
  const step = (req: AexRequest, res: AexResponse, scope: Scope): undefined => {
    const secure = isSecure(req);
    const state: CsrfState = { req, res, settings: secure ? tlsSettings : settings };
    (scope as WithState)[STATE] = state;
    if (SAFE_METHODS.has(req.method ?? "GET")) return undefined;
    checkOrigin(req, settings, secure);
    const token = submitted(req, scope, settings);
    if (token === undefined) refuse("AEX_CSRF_MISSING", "A CSRF token is required", req);
    const wanted = expected(scope, state);
    if (wanted === undefined || !safeEqual(token, wanted))
      refuse("AEX_CSRF_INVALID", "The CSRF token is not valid", req);
    return undefined;
  };
  return decoratorStep(
    "csrf",
    {
      build: () => {
        defineCsrfScope();
        return step;
      },
    },
    { responses: { "403": "The CSRF token or the request's origin is missing or wrong" } },
  );
}
