/* eslint-disable @typescript-eslint/no-explicit-any -- claims are the token issuer's choice */

/**
 * The verified claims of a bearer token, as `@auth` puts them on `scope.user`. The
 * registered claims are typed; your own claims (`name`, `tenant`…) are there too.
 */
export interface AuthUser {
  sub?: string;
  iss?: string;
  aud?: string | string[];
  exp?: number;
  nbf?: number;
  iat?: number;
  jti?: string;
  /** Roles `@roles(...)` checks (or `role`, a single one). */
  roles?: string[];
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
