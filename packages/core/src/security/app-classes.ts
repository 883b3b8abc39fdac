import { AexRequest } from "../http/request";
import { AexResponse } from "../http/response";
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
 * The request and response classes of one app: subclasses whose prototypes carry the
 * app's body limits, trust function and security header block, so no request pays to
 * look them up and two apps in one process keep their own.
 */
export function appClasses(
  app: object,
  settings: AppSecurity,
): { Request: typeof AexRequest; Response: typeof AexResponse } {
  settingsOf.set(app, settings);
  class Request extends AexRequest {}
  Object.defineProperty(Request.prototype, "bodyLimits", { value: settings.limits, writable: true });
  Object.defineProperty(Request.prototype, "trustProxy", { value: settings.trust, writable: true });
  class Response extends AexResponse {}
  Object.defineProperty(Response.prototype, "securityHeaders", { value: settings.securityHeaders, writable: true });
  return { Request, Response };
}
