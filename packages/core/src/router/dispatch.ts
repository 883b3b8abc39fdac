import type { Step, StepResult } from "../pipeline/types";
import { isPromise } from "../pipeline/is-promise";
import { runLine } from "../pipeline/run-line";
import { pathOf } from "./path-of";
import { DEFAULT_MAX_PARAM_LENGTH, routeParams } from "./route-params";
import type { RouteTable } from "./route-table";
import { PHASE } from "../http/response-phase";
import type { ResponsePhase } from "../http/response-hooks";

/** A route compiled at prepare time: its whole line, steps then handler. */
export interface CompiledRoute {
  readonly steps: readonly Step[];
  /** Its response phase when it has hooks of its own (the app's otherwise, on the response's prototype). */
  readonly phase: ResponsePhase | null;
}

const endLine = (): false => false;

/**
 * Makes the step that routes a request through `table`. No match: the step returns
 * nothing and the line goes on (the next router, or the app's 404). A match: params are
 * set, the route's line runs, and the step returns `false` so nothing after it runs.
 * The app's own dispatcher is `last`: it marks `req.routed` instead.
 *
 * This is the hot path -- change with care!
 */
export function createDispatcher(
  table: RouteTable<CompiledRoute>,
  maxParamLength = DEFAULT_MAX_PARAM_LENGTH,
  last = false,
): Step {
  // Filled and read synchronously before any await, so one array serves every request.
  const values: string[] = [];
  return (req, res, scope) => {
    const entry = table.find(req.method ?? "GET", pathOf(req.url), values);
    if (entry === null) return undefined;
    req.route = entry.pattern; // opscore: the route pattern, for request logs and metrics
    if (entry.paramNames.length > 0) {
      const params = routeParams(entry, values, maxParamLength);
      req.params = params;
      scope.provide("params", params);
    }
    if (entry.value.phase !== null) res[PHASE] = entry.value.phase;
    const steps = entry.value.steps;
    const result: StepResult | PromiseLike<StepResult> =
      steps.length === 1 ? steps[0](req, res, scope) : runLine(steps, req, res, scope);
    // A router mid-line must stop the line; the app's own dispatcher, last, need not
    // wrap an async handler's promise just to say so (the route is marked matched).
    if (last) {
      req.routed = true;
      return isPromise(result) ? result : false;
    }
    return isPromise(result) ? result.then(endLine) : false;
  };
}
