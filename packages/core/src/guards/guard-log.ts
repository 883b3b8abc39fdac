import debug from "debug";
import type { DebugLogger } from "../scope/scope";

/**
 * Where the guards log refusals and store failures: the `debug` namespace `aex:guard`,
 * silent unless `DEBUG=aex:guard` is set. Core's guards and `@aex/auth`'s write here; a
 * guard of your own can too, so one switch shows why requests were refused.
 *
 * @example
 * guardLog("ipAllowList: %s %s refused", req.method, req.url); // DEBUG=aex:guard node app.js
 */
// Typed by core's own DebugLogger: the declaration must not import "debug", whose types an app need not have.
export const guardLog: DebugLogger = debug("aex:guard");
