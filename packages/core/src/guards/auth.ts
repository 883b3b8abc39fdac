import { HttpError } from "../errors/http-error";
import type { AexRequest } from "../http/request";
import { decoratorStep, type DecoratorStep } from "../registry/decorator-step";
import type { SecuritySchemeDoc, StepOpenApi } from "../registry/definitions";
import type { Scope } from "../scope/scope";
import { guardLog } from "./guard-log";
import { jwtVerifier, type VerifyJwtOptions } from "./jwt";
import type { JwtKeySet } from "./jwt-keys";

/** Options of {@link auth}. */
export interface AuthOptions extends VerifyJwtOptions {
  /** The keys tokens are verified with: a secret, a key, a `kid` → key map or a JWKS. */
  keys: JwtKeySet;
  /** Also read the token from this cookie when there is no `Authorization` header. */
  cookie?: string;
  /** The realm in `WWW-Authenticate`. Default `"api"`. */
  realm?: string;
  /** Let requests without any token through (with no `scope.user`); a bad token still gets 401. */
  optional?: boolean;
}

/** The token of `Authorization: Bearer …` (RFC 6750 §2.1), or the cookie; null when absent. */
function tokenOf(req: AexRequest, cookie: string | undefined): string | null {
  const header = req.headers.authorization;
  if (header !== undefined) {
    const space = header.indexOf(" ");
    return space > 0 && header.slice(0, space).toLowerCase() === "bearer" ? header.slice(space + 1).trim() : "";
  }
  if (cookie !== undefined) return req.cookies.get(cookie) ?? null;
  return null;
}

/**
 * Requires a valid bearer JWT and puts its verified claims on `scope.user`. No token:
 * 401 `AEX_AUTH_MISSING` with `WWW-Authenticate: Bearer realm="api"`; a malformed,
 * forged, expired or misaddressed one: 401 `AEX_AUTH_INVALID_TOKEN` with
 * `error="invalid_token"` and an `error_description` (RFC 6750 §3).
 *
 * @example
 * class Admin {
 *   @get("/admin")
 *   @auth({ keys: process.env.JWT_SECRET!, audience: "api" })
 *   @roles("admin")
 *   panel(req, res, scope) { res.json({ hello: scope.user?.sub }); }
 * }
 */
export function auth(options: AuthOptions): DecoratorStep {
  const realm = options.realm ?? "api";
  const verify = jwtVerifier(options.keys, options);
  const challenge = `Bearer realm="${realm}"`;
  const security: SecuritySchemeDoc[] = [
    { name: "bearerAuth", scheme: { type: "http", scheme: "bearer", bearerFormat: "JWT" } },
  ];
  if (options.cookie !== undefined) {
    security.push({ name: `cookie_${options.cookie}`, scheme: { type: "apiKey", in: "cookie", name: options.cookie } });
  }
  const openapi: StepOpenApi = {
    security,
    optional: options.optional === true,
    responses: { "401": "A bearer token is missing, malformed, forged or expired (`WWW-Authenticate` says which)" },
  };
  return decoratorStep(
    "auth",
    async (req: AexRequest, _res, scope: Scope) => {
      const token = tokenOf(req, options.cookie);
      if (token === null) {
        if (options.optional) return undefined;
        throw new HttpError(401, "A bearer token is required", {
          code: "AEX_AUTH_MISSING",
          headers: { "WWW-Authenticate": challenge },
        });
      }
      try {
        scope.user = await verify(token, realm);
      } catch (error) {
        guardLog("auth: %s %s refused: %s", req.method, req.url, (error as Error).message);
        throw error;
      }
      return undefined;
    },
    openapi,
  );
}
