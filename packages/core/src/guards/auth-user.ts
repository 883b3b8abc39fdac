/* eslint-disable @typescript-eslint/no-explicit-any -- claims are the token issuer's choice */

/**
 * The verified claims of a bearer token, as `@auth` puts them on `scope.user`. The
 * registered claims are typed; your own claims (`name`, `tenant`…) are there too.
 */
export interface AuthUser {
  /** Subject: whom the token is about (a user id). */
  sub?: string;
  /** Issuer. */
  iss?: string;
  /** Audience: whom the token is for. */
  aud?: string | string[];
  /** Expiry, in seconds since the epoch. */
  exp?: number;
  /** Not valid before, in seconds since the epoch. */
  nbf?: number;
  /** Issued at, in seconds since the epoch. */
  iat?: number;
  /** The token's unique id. */
  jti?: string;
  /** Roles `@roles(...)` checks (or `role`, a single one). */
  roles?: string[];
  /** A single role, checked like one entry of `roles`. */
  role?: string;
  [claim: string]: any;
}

declare module "../index" {
  interface Scope {
    /** The verified claims of the request's token, once `@auth()` ran. */
    user?: AuthUser;
    /**
     * The request's CSRF token, made on first read, once `csrf()` ran: put it in forms
     * (`<input type="hidden" name="_csrf">`) or send it as `X-CSRF-Token`.
     */
    readonly csrfToken: string | undefined;
  }
}
