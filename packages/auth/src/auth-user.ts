/* eslint-disable @typescript-eslint/no-explicit-any -- claims are the token issuer's choice */
import { Scope } from "@aex/core";

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

declare module "@aex/core" {
  interface ScopeSlots {
    /** The verified claims of the request's token (`@auth`), or a step's own user (`scope.provide("user", …)`). */
    user: AuthUser;
  }
  interface Scope {
    /** The verified claims of the request's token, once `@auth()` ran; undefined without one. */
    readonly user: AuthUser | undefined;
  }
}

/**
 * Makes `scope.user` readable (a getter of the `user` slot on `Scope`'s prototype). Called
 * when an `@auth` or `@roles` step is built, never at import: an app that uses neither
 * has no `scope.user`.
 */
export function defineUserSlot(): void {
  Scope.defineSlot("user");
}
