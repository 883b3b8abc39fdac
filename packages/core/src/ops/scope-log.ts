import type { Logger } from "pino";
import { Scope } from "../scope/scope";

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
