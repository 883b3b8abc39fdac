/**
 * Authentication for Aex apps: JSON Web Tokens (signed and verified with jose), the
 * `@auth` guard that puts a token's verified claims on `scope.user`, `@roles`, and API keys.
 * Each guard is a step that is also a decorator (`@auth(...)`, `aex.use(auth(...))`,
 * `router.use(auth(...))`). `@aex/core` does not depend on this package.
 *
 * @module @aex/auth
 */
// Guards
export { auth, type AuthOptions } from "./auth";
export type { AuthDecorator, UserCheck, UserMismatch } from "./auth-decorator";
export { roles } from "./roles";
export { apiKey, type ApiKeyOptions } from "./api-key";
export type { AuthUser } from "./auth-user";

// Where @auth reads the token
export {
  tokenFromHeader,
  tokenFromCookie,
  tokenFromQuery,
  type TokenExtractor,
  type TokenFromHeaderOptions,
} from "./token-extractor";

// JSON Web Tokens
export { signJwt, verifyJwt, jwtVerifier, type SignJwtOptions, type VerifyJwtOptions, type JwtVerifier } from "./jwt";
export type { JwtKey, JwtKeySet } from "./jwt-keys";

// Error codes
export { AUTH_CODES } from "./errors";
