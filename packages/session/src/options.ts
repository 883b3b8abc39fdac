import { randomBytes } from "node:crypto";
import type { CookieOptions } from "@aex/core";
import debug from "debug";

const log = debug("aex:session");

/** Options of `session()` / `@session()`. */
export interface SessionOptions {
  /**
   * Secret(s) signing the session cookie. With a list, the first signs and all verify, so
   * secrets can be rotated. Default: `AEX_SESSION_SECRET` (comma-separated), else a
   * random secret per process (sessions then do not survive a restart).
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

// Generated once per process, never changed: it only stands in until a secret is set.
let fallbackSecret: string | undefined;

function secretsOf(secret: SessionOptions["secret"]): string[] {
  const given = typeof secret === "string" ? [secret] : [...(secret ?? [])];
  if (given.length === 0 && process.env.AEX_SESSION_SECRET) given.push(...process.env.AEX_SESSION_SECRET.split(","));
  const secrets = given.map((s) => s.trim()).filter((s) => s !== "");
  if (secrets.length > 0) return secrets;
  if (fallbackSecret === undefined) {
    log("no session secret set: using a random one; set AEX_SESSION_SECRET to share sessions across processes");
    fallbackSecret = randomBytes(32).toString("base64url");
  }
  return [fallbackSecret];
}

export function resolveSessionOptions(options: SessionOptions = {}): ResolvedSessionOptions {
  const ttl = options.ttl ?? 86_400;
  return {
    secrets: secretsOf(options.secret),
    name: options.name ?? "aex.sid",
    ttl,
    cookie: { httpOnly: true, sameSite: "Lax", path: "/", ...options.cookie, maxAge: ttl },
  };
}
