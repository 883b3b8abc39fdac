import { AexError, type AexRequest } from "@aex/core";
import type { SecuritySchemeDoc } from "@aex/core/plugin";

/**
 * Where `@auth` finds a request's token: a function that returns the token, or `null`
 * (`undefined`) when the request carries none there. It may throw an `HttpError` to refuse
 * the request itself. `openapi` is the security scheme OpenAPI documents for it;
 * {@link tokenFromHeader}, {@link tokenFromCookie} and {@link tokenFromQuery} make the
 * common ones, with their scheme set.
 *
 * @example
 * // Your own: the token in a custom header, documented as an API key in that header.
 * const fromXToken: TokenExtractor = Object.assign((req: AexRequest) => req.get("x-token") ?? null, {
 *   openapi: { name: "xToken", scheme: { type: "apiKey", in: "header", name: "X-Token" } },
 * });
 */
export interface TokenExtractor {
  (req: AexRequest): string | null | undefined;
  /** The security scheme OpenAPI documents for this way of sending the token. */
  readonly openapi?: SecuritySchemeDoc;
  /** Where the token is read, for the 401 that says it is missing (`the "jwt" cookie`). */
  readonly place?: string;
  /** The header read, lower-case (set by {@link tokenFromHeader}). */
  readonly header?: string;
  /** The authentication scheme expected in that header (set by {@link tokenFromHeader}); null: none. */
  readonly scheme?: string | null;
}

/** Options of {@link tokenFromHeader}. */
export interface TokenFromHeaderOptions {
  /** The header. Default `Authorization`. */
  header?: string;
  /**
   * The authentication scheme before the token (`Bearer`, RealWorld's `Token`), matched
   * case-insensitively (RFC 9110 §11.1); `null`: the whole value is the token. Default
   * `Bearer` for `Authorization`, else `null`.
   */
  scheme?: string | null;
}

/** An RFC 9110 token (§5.6.2): what a header name and an auth-scheme are made of. */
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** A name OpenAPI accepts as a `components.securitySchemes` key. */
function componentName(value: string): string {
  return value.replace(/[^A-Za-z0-9._-]/g, "_");
}

/** How many times the client sent header `lower` (node keeps the first `Authorization` only). */
function countHeader(req: AexRequest, lower: string): number {
  const raw = req.rawHeaders;
  let count = 0;
  for (let i = 0; i < raw.length; i += 2) if (raw[i].length === lower.length && raw[i].toLowerCase() === lower) count++;
  return count;
}

/**
 * Thrown by an extractor that finds the credentials twice (RFC 6750 §3.1 `invalid_request`):
 * `@auth` answers it 400 `AEX_AUTH_INVALID_REQUEST` with its challenge.
 */
export class AmbiguousCredentials extends Error {
  constructor(readonly description: string) {
    super(`Ambiguous credentials: ${description}`);
  }
}

/**
 * Reads the token from a header: by default `Authorization: Bearer <token>` (RFC 6750 §2.1);
 * `tokenFromHeader("Token")` for `Authorization: Token <token>`; `{ header: "X-Access-Token" }`
 * for a header holding the token alone. A header with another scheme holds no token (so
 * `@auth({ optional: true })` lets it through); the header sent twice is a 400
 * `AEX_AUTH_INVALID_REQUEST`. OpenAPI: HTTP bearer for `Bearer`, else an API key in the header.
 *
 * @example
 * @auth({ keys: secret, from: tokenFromHeader("Token") }) // RealWorld: Authorization: Token <jwt>
 */
export function tokenFromHeader(options: string | TokenFromHeaderOptions = {}): TokenExtractor {
  const given = typeof options === "string" ? { scheme: options } : options;
  const name = given.header ?? "Authorization";
  const header = name.toLowerCase();
  const scheme = given.scheme === undefined ? (header === "authorization" ? "Bearer" : null) : given.scheme;
  if (!TOKEN.test(name) || (scheme !== null && !TOKEN.test(scheme))) {
    throw new AexError(
      "AEX_ERR_GUARD_OPTIONS",
      "tokenFromHeader takes a header name and a scheme made of RFC 9110 token characters",
    );
  }
  const prefix = scheme === null ? "" : `${scheme.toLowerCase()} `;
  const bearer = scheme !== null && scheme.toLowerCase() === "bearer" && header === "authorization";
  const openapi: SecuritySchemeDoc = bearer
    ? { name: "bearerAuth", scheme: { type: "http", scheme: "bearer", bearerFormat: "JWT" } }
    : {
        name: componentName(scheme === null ? `header_${name}` : `${scheme.toLowerCase()}Auth`),
        scheme: {
          type: "apiKey",
          in: "header",
          name,
          ...(scheme === null ? {} : { description: `\`${name}: ${scheme} <JWT>\`` }),
        },
      };
  const place = scheme === null ? `the ${name} header` : `the ${name} header ("${scheme} <token>")`;
  const read = (req: AexRequest): string | null => {
    const value = req.headers[header];
    if (value === undefined) return null;
    // Two headers: node keeps one (Authorization) or joins them (others); a proxy may read the other.
    if (Array.isArray(value) || countHeader(req, header) > 1) {
      throw new AmbiguousCredentials(`the ${name} header came more than once`);
    }
    if (prefix === "") return value.trim();
    // `Bearer` alone (node trims the space after it) is the scheme with an empty token.
    if (value.length === prefix.length - 1 && value.toLowerCase() === prefix.slice(0, -1)) return "";
    if (value.length < prefix.length || value.slice(0, prefix.length).toLowerCase() !== prefix) return null;
    return value.slice(prefix.length).trim();
  };
  return Object.assign(read, { openapi, place, header, scheme });
}

/**
 * Reads the token from a cookie (a browser app that keeps its JWT in an `HttpOnly` cookie).
 * OpenAPI: an API key in that cookie.
 *
 * @example
 * @auth({ keys: secret, from: [tokenFromHeader(), tokenFromCookie("jwt")] })
 */
export function tokenFromCookie(name: string): TokenExtractor {
  if (typeof name !== "string" || !TOKEN.test(name)) {
    throw new AexError("AEX_ERR_GUARD_OPTIONS", "tokenFromCookie takes a cookie name");
  }
  const read = (req: AexRequest): string | null => req.cookies.get(name) ?? null;
  return Object.assign(read, {
    openapi: { name: componentName(`cookie_${name}`), scheme: { type: "apiKey", in: "cookie", name } },
    place: `the "${name}" cookie`,
  });
}

/**
 * Reads the token from a query parameter (`?access_token=…`, RFC 6750 §2.3), for clients
 * that cannot set a header (an `EventSource`, a WebSocket in a browser). URLs end up in
 * logs and `Referer`s: prefer a header or a cookie, and short-lived tokens here. The
 * parameter given twice is a 400 `AEX_AUTH_INVALID_REQUEST`. OpenAPI: an API key in the query.
 *
 * @example
 * @auth({ keys: secret, from: [tokenFromHeader(), tokenFromQuery("access_token")] })
 */
export function tokenFromQuery(name: string): TokenExtractor {
  if (typeof name !== "string" || name === "" || /[&=#?\s]/.test(name)) {
    throw new AexError("AEX_ERR_GUARD_OPTIONS", "tokenFromQuery takes a query parameter name");
  }
  const read = (req: AexRequest): string | null => {
    const url = req.url ?? "";
    const q = url.indexOf("?");
    if (q === -1) return null;
    const found = new URLSearchParams(url.slice(q + 1)).getAll(name);
    if (found.length === 0) return null;
    if (found.length > 1) throw new AmbiguousCredentials(`the ${name} query parameter came more than once`);
    return found[0];
  };
  return Object.assign(read, {
    openapi: { name: componentName(`query_${name}`), scheme: { type: "apiKey", in: "query", name } },
    place: `the "${name}" query parameter`,
  });
}
