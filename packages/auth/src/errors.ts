/**
 * The HTTP error codes @aex/auth answers with, each with its status and meaning
 * (docs/errors.md lists them). Its setup mistakes throw core's `AEX_ERR_GUARD_OPTIONS`,
 * as core's own guards do.
 *
 * @example
 * // The answers a client of your API may get from the guards, e.g. for your API's own docs:
 * for (const [code, meaning] of Object.entries(AUTH_CODES)) console.log(`${code}: ${meaning}`);
 * // AEX_AUTH_MISSING: 401: …
 */
export const AUTH_CODES = {
  AEX_AUTH_MISSING: "401: no token where @auth reads it (Authorization header, cookie or query parameter)",
  AEX_AUTH_SCHEME: "401: the Authorization header uses another scheme than the one @auth reads (Bearer unless set)",
  AEX_AUTH_INVALID_REQUEST: "400: the credentials came twice (two Authorization headers, a repeated token parameter)",
  AEX_AUTH_INVALID_TOKEN:
    "401: the token is empty, malformed, not canonical base64url, forged, expired, not yet valid, or for another audience or issuer",
  AEX_AUTH_FORBIDDEN: "403: the verified claims lack a role the route requires",
  AEX_API_KEY_MISSING: "401: no API key in the expected header",
  AEX_API_KEY_INVALID: "401: the API key is not one of the accepted keys",
} as const;
