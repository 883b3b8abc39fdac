import { AexError, HttpError, type AexRequest, type Scope } from "@aex/core";
import { decoratorStep, guardLog, type SecuritySchemeDoc, type StepOpenApi } from "@aex/core/plugin";
import { CHALLENGE, type Challenge } from "./auth-challenge";
import { defineUserSlot } from "./auth-user";
import type { AuthDecorator } from "./auth-decorator";
import { jwtVerifier, type VerifyJwtOptions } from "./jwt";
import type { JwtKeySet } from "./jwt-keys";
import { AmbiguousCredentials, tokenFromCookie, tokenFromHeader, type TokenExtractor } from "./token-extractor";

/** Options of {@link auth}. */
export interface AuthOptions extends VerifyJwtOptions {
  /** The keys tokens are verified with: a secret, a key, a `kid` → key map or a JWKS. */
  keys: JwtKeySet;
  /**
   * The scheme of the `Authorization` header, matched case-insensitively (RFC 9110 §11.1):
   * `"Token"` for RealWorld's `Authorization: Token <jwt>`. Default `"Bearer"`. Not with `from`.
   */
  scheme?: string;
  /** Also read the token from this cookie when there is no `Authorization` header. Not with `from`. */
  cookie?: string;
  /**
   * Where the token is read, tried in order; the first token found is verified:
   * {@link tokenFromHeader}, {@link tokenFromCookie}, {@link tokenFromQuery} or your own
   * function. Default: the `Authorization` header with `scheme`, then `cookie` when given.
   */
  from?: TokenExtractor | readonly TokenExtractor[];
  /** The realm in `WWW-Authenticate`. Default `"api"`. */
  realm?: string;
  /**
   * Let requests without a token through (with no `scope.user`): no credentials, or an
   * `Authorization` header of another scheme. A token that fails is still a 401.
   */
  optional?: boolean;
}

/** A realm goes into a quoted-string: no quote, backslash or control character. */
const REALM = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

/** The extractors `options` ask for. */
function extractorsOf(options: AuthOptions): readonly TokenExtractor[] {
  if (options.from === undefined) {
    const header = tokenFromHeader(options.scheme ?? "Bearer");
    return options.cookie === undefined ? [header] : [header, tokenFromCookie(options.cookie)];
  }
  if (options.scheme !== undefined || options.cookie !== undefined) {
    throw new AexError("AEX_ERR_GUARD_OPTIONS", "auth: give `from`, or `scheme`/`cookie`, not both");
  }
  const list = typeof options.from === "function" ? [options.from] : [...options.from];
  if (list.length === 0 || list.some((read) => typeof read !== "function")) {
    throw new AexError("AEX_ERR_GUARD_OPTIONS", "auth: `from` takes token extractors (functions)");
  }
  return list;
}

/** The `Authorization` scheme the header of `value` uses, if it is a token (for the error). */
function schemeOf(value: string | string[]): string | undefined {
  const first = Array.isArray(value) ? value[0] : value;
  const scheme = first.split(" ", 1)[0];
  return /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,32}$/.test(scheme) ? scheme : undefined;
}

/**
 * Requires a valid JWT and puts its verified claims on `scope.user`. The token is read from
 * `Authorization: Bearer …` by default (`scheme`, `cookie` or `from` say otherwise). The
 * answers, each with a `WWW-Authenticate` challenge (RFC 6750 §3):
 *
 * - no token: 401 `AEX_AUTH_MISSING`, a bare challenge (`Bearer realm="api"`);
 * - an `Authorization` header of another scheme: 401 `AEX_AUTH_SCHEME`, a bare challenge;
 * - the credentials twice (two headers, a repeated parameter): 400 `AEX_AUTH_INVALID_REQUEST`;
 * - an empty, malformed, forged, expired or misaddressed token: 401 `AEX_AUTH_INVALID_TOKEN`
 *   with `error="invalid_token"` and an `error_description` naming the problem.
 *
 * @example
 * class Admin {
 *   @get("/admin")
 *   @auth({ keys: process.env.JWT_SECRET!, audience: "api" })
 *   @roles("admin")
 *   panel(req, res, scope) { res.json({ hello: scope.user?.sub }); }
 * }
 * // RealWorld's `Authorization: Token <jwt>`:
 * const user = auth({ keys: process.env.JWT_SECRET!, scheme: "Token" });
 */
export function auth<const O extends AuthOptions>(
  options: O,
): AuthDecorator<O["optional"] extends true ? true : false> {
  const realm = options.realm ?? "api";
  if (typeof realm !== "string" || !REALM.test(realm)) {
    throw new AexError(
      "AEX_ERR_GUARD_OPTIONS",
      "auth: the realm cannot hold quotes, backslashes or control characters",
    );
  }
  const extractors = extractorsOf(options);
  const verify = jwtVerifier(options.keys, options);
  const optional = options.optional === true;
  // The challenge names the scheme the token is expected with (Bearer for cookies and queries).
  const headerReaders = extractors.filter((read) => read.header !== undefined);
  const scheme = headerReaders.find((read) => typeof read.scheme === "string")?.scheme ?? "Bearer";
  const challenge: Challenge = { scheme, realm, header: `${scheme} realm="${realm}"` };
  const places = extractors.map((read) => read.place ?? "the request");
  const wanted = [...new Set(headerReaders.map((read) => read.scheme).filter((s): s is string => s != null))];

  const tokenNoun = scheme.toLowerCase() === "bearer" ? "A bearer token" : `A token (\`${scheme} <jwt>\`)`;
  const security: SecuritySchemeDoc[] = [];
  for (const read of extractors) if (read.openapi !== undefined) security.push(read.openapi);
  const openapi: StepOpenApi = {
    security,
    optional,
    responses: {
      "400": "The credentials came twice (`AEX_AUTH_INVALID_REQUEST`)",
      "401": `${tokenNoun} is missing, malformed, forged or expired, or sent with another scheme (\`WWW-Authenticate\` says which)`,
    },
  };

  /** The 401 of a request that carries no token where this guard reads. */
  function noToken(req: AexRequest): HttpError {
    for (const read of headerReaders) {
      const value = read.scheme == null ? undefined : req.headers[read.header!];
      if (value === undefined) continue;
      const used = schemeOf(value);
      return new HttpError(
        401,
        `The ${read.header === "authorization" ? "Authorization" : read.header} header uses ${used === undefined ? "an unknown scheme" : `the "${used}" scheme`}; this route takes ${wanted.map((s) => `"${s}"`).join(" or ")}`,
        { code: "AEX_AUTH_SCHEME", headers: { "WWW-Authenticate": challenge.header } },
      );
    }
    return new HttpError(401, `A token is required, in ${places.join(" or ")}`, {
      code: "AEX_AUTH_MISSING",
      headers: { "WWW-Authenticate": challenge.header },
    });
  }

  function tokenOf(req: AexRequest): string | null {
    try {
      for (const read of extractors) {
        const token = read(req);
        if (token !== null && token !== undefined) return token;
      }
      return null;
    } catch (error) {
      if (!(error instanceof AmbiguousCredentials)) throw error;
      throw new HttpError(400, error.message, {
        code: "AEX_AUTH_INVALID_REQUEST",
        headers: {
          "WWW-Authenticate": `${challenge.header}, error="invalid_request", error_description="${error.description}"`,
        },
      });
    }
  }

  async function step(req: AexRequest, _res: unknown, scope: Scope): Promise<undefined> {
    // @roles after this step answers with the same challenge.
    (scope as Scope & { [CHALLENGE]?: Challenge })[CHALLENGE] = challenge;
    const token = tokenOf(req);
    if (token === null) {
      if (optional) return undefined;
      const refused = noToken(req);
      guardLog("auth: %s %s refused: %s", req.method, req.url, refused.code);
      throw refused;
    }
    try {
      scope.provide("user", await verify(token, realm, scheme));
    } catch (error) {
      guardLog("auth: %s %s refused: %s", req.method, req.url, (error as Error).message);
      throw error;
    }
    return undefined;
  }

  const decorator = decoratorStep(
    "auth",
    {
      build: () => {
        defineUserSlot();
        return step;
      },
    },
    openapi,
  );
  // The step is the decorator; its type adds the check of the handler's `scope.user`.
  return decorator as unknown as AuthDecorator<O["optional"] extends true ? true : false>;
}
