import { randomBytes } from "node:crypto";
import type { CookieOptions } from "@aex/core";
import { ResponseCookies } from "@aex/core/plugin";
import { sessionSetupError } from "./errors";
import debug from "debug";

const log = debug("aex:session");

/** Options of `session()` / `@session()`. */
export interface SessionOptions {
  /**
   * Secret(s) signing the session cookie. With a list, the first signs and all verify, so
   * secrets can be rotated. Default: `AEX_SESSION_SECRET` (comma-separated), else a
   * random secret per app (sessions then do not survive a restart).
   */
  secret?: string | readonly string[];
  /** Cookie name. Default `"aex.sid"`. */
  name?: string;
  /** Session lifetime in seconds, in the store and the cookie. Default 86 400. */
  ttl?: number;
  /**
   * Cookie attributes. Defaults: `HttpOnly`, `SameSite=Lax`, `Path=/`, `Max-Age=ttl`, and
   * `Secure` when the request came over HTTPS (`isSecure(req)`: TLS, or a trusted proxy's
   * `X-Forwarded-Proto`); `secure: true`/`false` fixes it.
   */
  cookie?: Omit<CookieOptions, "maxAge" | "expires">;
  /**
   * Session keys that make up who the user is. When one changes (login, logout, a new
   * role), the session gets a new id, keeping its data, and the old id is destroyed in
   * the store (no session fixation; OWASP ASVS 5.0 V7.2.4). Default
   * `["user", "userId", "role", "roles"]`; `[]` turns it off.
   */
  identityKeys?: readonly string[];
  /**
   * Re-send the cookie with a fresh `Max-Age` on every response of a stored session, as the
   * store's copy gets its whole `ttl` again on every request: an active user's cookie then
   * never expires before the session does. Default `true` (as @fastify/session's). With
   * `false` the cookie is sent when the session is created or gets a new id, and keeps
   * the `Max-Age` it was sent with: the user is logged out `ttl` seconds after login,
   * however active.
   */
  rolling?: boolean;
}

/** The session keys whose change rotates the id, unless `identityKeys` says otherwise. */
export const DEFAULT_IDENTITY_KEYS: readonly string[] = Object.freeze(["user", "userId", "role", "roles"]);

/** Options with defaults applied. */
export interface ResolvedSessionOptions {
  readonly secrets: readonly string[];
  readonly name: string;
  readonly ttl: number;
  readonly cookie: CookieOptions;
  readonly identityKeys: readonly string[];
  readonly rolling: boolean;
  /**
   * What follows `name=value` in the cookie's `Set-Cookie` line with `Max-Age=ttl`, over
   * HTTP and over HTTPS: made once, so a rolling cookie is one string per response.
   */
  readonly cookieTail: { readonly plain: string; readonly secure: string };
}

/** The attributes part of the `Set-Cookie` line `cookie` makes, checked by core's cookie writer. */
function cookieTailOf(name: string, cookie: CookieOptions): string {
  let line = "";
  const capture = {
    appendHeader: (_: string, value: unknown) => (line = String(value)),
    getHeader: () => undefined,
    setHeader: () => undefined,
  };
  new ResponseCookies(capture).set(name, "v", cookie);
  return line.slice(name.length + 2);
}

/** A random secret standing in until one is set: made once per app (or per step). */
export function randomSecret(): string {
  log("no session secret set: using a random one; set AEX_SESSION_SECRET to share sessions across processes");
  return randomBytes(32).toString("base64url");
}

/** The secrets `secret` or else `AEX_SESSION_SECRET` sets; empty when neither does. */
function givenSecrets(secret: SessionOptions["secret"]): string[] {
  const given = typeof secret === "string" ? [secret] : [...(secret ?? [])];
  if (given.length === 0 && process.env.AEX_SESSION_SECRET) given.push(...process.env.AEX_SESSION_SECRET.split(","));
  return given.map((s) => s.trim()).filter((s) => s !== "");
}

/**
 * Throws `AEX_ERR_SESSION_SECRET_MISSING` in production (`NODE_ENV=production`) when
 * neither `secret` nor `AEX_SESSION_SECRET` gives a secret: each process would invent its
 * own, and cluster workers would log users out at random. Called at setup.
 */
export function checkSecret(secret: SessionOptions["secret"]): void {
  if (process.env.NODE_ENV === "production" && givenSecrets(secret).length === 0) {
    throw sessionSetupError("AEX_ERR_SESSION_SECRET_MISSING");
  }
}

function secretsOf(secret: SessionOptions["secret"], fallback: () => string): string[] {
  const secrets = givenSecrets(secret);
  if (secrets.length > 0) return secrets;
  checkSecret(secret);
  return [fallback()];
}

/** The options with defaults; `fallback` gives the secret when none is set. */
export function resolveSessionOptions(options: SessionOptions, fallback: () => string): ResolvedSessionOptions {
  const ttl = options.ttl ?? 86_400;
  const name = options.name ?? "aex.sid";
  const cookie: CookieOptions = { httpOnly: true, sameSite: "Lax", path: "/", ...options.cookie, maxAge: ttl };
  return {
    secrets: secretsOf(options.secret, fallback),
    name,
    ttl,
    cookie,
    identityKeys: options.identityKeys ?? DEFAULT_IDENTITY_KEYS,
    rolling: options.rolling ?? true,
    cookieTail: {
      plain: cookieTailOf(name, { ...cookie, secure: cookie.secure ?? false }),
      secure: cookieTailOf(name, { ...cookie, secure: cookie.secure ?? true }),
    },
  };
}
