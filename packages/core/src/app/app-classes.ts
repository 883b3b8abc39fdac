import { AexRequest } from "../http/request";
import { AexResponse } from "../http/response";
import type { AexApp } from "../registry/app-ref";
import { WATCHED_BY, type Watchdog } from "../http/watchdog";

/** One app's request and response classes. */
export interface AppClasses {
  /** The app's subclass of `AexRequest`. */
  readonly Request: typeof AexRequest;
  /** The app's subclass of `AexResponse`. */
  readonly Response: typeof AexResponse;
}

/**
 * Makes an app its own subclasses of `AexRequest` and `AexResponse`, made
 * once per app: plugin helpers go on their prototypes, a response's own failures (a
 * `beforeEnd` task that throws) are answered by the app's error path, and a response
 * leaves the app's handler `watchdog` when it ends.
 */
export function appClasses(app: AexApp, watchdog: Watchdog<AexResponse>): AppClasses {
  class Request extends AexRequest {}
  class Response extends AexResponse {
    override failed(error: unknown): void {
      void app.answerError(error, this.req, this);
    }
  }
  // The app's secure defaults, resolved once, on its own prototypes: no request pays to look
  // them up, and two apps in one process keep their own.
  Object.defineProperty(Request.prototype, "bodyLimits", { value: app.options.limits, writable: true });
  Object.defineProperty(Request.prototype, "trustProxy", { value: app.options.trust, writable: true });
  Object.defineProperty(Response.prototype, "securityHeaders", { value: app.options.securityHeaders, writable: true });
  // `res.app`, for helpers that answer through the app, costs nothing per request.
  Object.defineProperty(Response.prototype, "app", { value: app });
  // The handler watch a response leaves when it ends (http/response.ts), set once, not per request.
  Object.defineProperty(Response.prototype, WATCHED_BY, { value: watchdog });
  // Which header echoes the request id: written with the head (http/response.ts).
  const echo = app.options.requestId.echo ? app.options.requestId.header : null;
  Object.defineProperty(Response.prototype, "requestIdHeader", { value: echo, writable: true });
  return { Request, Response };
}
