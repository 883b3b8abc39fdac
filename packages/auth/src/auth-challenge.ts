/** The challenge an `@auth` step answers with: its scheme and realm, and the header they make. */
export interface Challenge {
  /** The authentication scheme (`Bearer`, `Token`…). */
  readonly scheme: string;
  /** The realm. */
  readonly realm: string;
  /** `<scheme> realm="<realm>"`, made once. */
  readonly header: string;
}

/** Where `@auth` leaves its {@link Challenge} on the scope, so `@roles` after it answers alike. */
export const CHALLENGE: unique symbol = Symbol("aex.auth.challenge");

/** The challenge of a request no `@auth` step saw. */
export const DEFAULT_CHALLENGE: Challenge = { scheme: "Bearer", realm: "api", header: 'Bearer realm="api"' };
