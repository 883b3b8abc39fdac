import type { Logger } from "pino";
import { Scope } from "../scope/scope";

declare module "../scope/scope" {
  interface Scope {
    /** This request's id (`req.id`): the trusted `X-Request-Id`, or a generated one. */
    readonly requestId: string;
    /**
     * A logger bound to this request's id (a pino child of `app.log`), made on first
     * use: a request that does not log pays nothing for it.
     *
     * @example
     * scope.log.info({ user: id }, "user created"); // {"reqId":"k3x9q2-1f", "user": 7, …}
     */
    readonly log: Logger;
  }
  interface SharedScope {
    /** The app's logger, parent of every `scope.log`. */
    readonly log?: Logger;
  }
}

interface ScopeInternals {
  requestId: string;
  _shared: { log?: Logger };
  _log?: Logger;
}

// Prototype defaults: nothing is set per request unless the request has an id or logs.
Object.defineProperty(Scope.prototype, "requestId", { value: "", writable: true, configurable: true });
Object.defineProperty(Scope.prototype, "log", {
  configurable: true,
  get(this: ScopeInternals): Logger | undefined {
    if (this._log !== undefined) return this._log;
    const parent = this._shared.log;
    if (parent === undefined) return undefined;
    return (this._log = parent.child({ reqId: this.requestId }));
  },
});

/** Records the request id on `scope` (read by `scope.requestId` and `scope.log`). */
export function setRequestId(scope: Scope, id: string): void {
  (scope as unknown as ScopeInternals).requestId = id;
}
