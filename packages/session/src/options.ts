import { randomBytes } from "node:crypto";
import type { CookieOptions } from "@aex/core";
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
  /** Cookie attributes. Defaults: `HttpOnly`, `SameSite=Lax`, `Path=/`, `Max-Age=ttl`. */
  cookie?: Omit<CookieOptions, "maxAge" | "expires">;
}

/** Options with defaults applied. */
export interface ResolvedSessionOptions {
  readonly secrets: readonly string[];
  readonly name: string;
  readonly ttl: number;
  readonly cookie: CookieOptions;
}

/** A random secret standing in until one is set: made once per app (or per step). */
export function randomSecret(): string {
  log("no session secret set: using a random one; set AEX_SESSION_SECRET to share sessions across processes");
  return randomBytes(32).toString("base64url");
}

function secretsOf(secret: SessionOptions["secret"], fallback: () => string): string[] {
  const given = typeof secret === "string" ? [secret] : [...(secret ?? [])];
  if (given.length === 0 && process.env.AEX_SESSION_SECRET) given.push(...process.env.AEX_SESSION_SECRET.split(","));
  const secrets = given.map((s) => s.trim()).filter((s) => s !== "");
  return secrets.length > 0 ? secrets : [fallback()];
}

/** The options with defaults; `fallback` gives the secret when none is set. */
export function resolveSessionOptions(options: SessionOptions, fallback: () => string): ResolvedSessionOptions {
  const ttl = options.ttl ?? 86_400;
  return {
    secrets: secretsOf(options.secret, fallback),
    name: options.name ?? "aex.sid",
    ttl,
    cookie: { httpOnly: true, sameSite: "Lax", path: "/", ...options.cookie, maxAge: ttl },
  };
}
