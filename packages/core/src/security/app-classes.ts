import type { AexRequest } from "../http/request";
import type { AexResponse } from "../http/response";
import type { BodyLimits } from "../parsers/body-limits";
import type { SecurityHeaders } from "./headers";
import type { TrustFunction } from "./trust-proxy";

/** What an app's requests and responses share: its secure defaults, resolved once. */
export interface AppSecurity {
  readonly limits: BodyLimits;
  readonly securityHeaders: SecurityHeaders | null;
  readonly trust: TrustFunction | null;
}

const settingsOf = new WeakMap<object, AppSecurity>();

/** The secure defaults of `app` (for steps built at `prepare()`, such as `@headers`). */
export function appSecurity(app: object): AppSecurity | undefined {
  return settingsOf.get(app);
}

/**
 * Puts `app`'s secure defaults on its own request and response classes (made by
 * `app/app-classes.ts`): their prototypes carry the body limits, trust function and
 * security header block, so no request pays to look them up and two apps in one process
 * keep their own.
 */
export function applySecurity(
  app: object,
  settings: AppSecurity,
  Request: typeof AexRequest,
  Response: typeof AexResponse,
): void {
  settingsOf.set(app, settings);
  Object.defineProperty(Request.prototype, "bodyLimits", { value: settings.limits, writable: true });
  Object.defineProperty(Request.prototype, "trustProxy", { value: settings.trust, writable: true });
  Object.defineProperty(Response.prototype, "securityHeaders", { value: settings.securityHeaders, writable: true });
}
