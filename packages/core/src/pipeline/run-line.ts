import type { AexRequest } from "../http/request";
import type { AexResponse } from "../http/response";
import type { Scope } from "../scope/scope";
import type { Step, StepResult } from "./types";
import { isPromise } from "./is-promise";

/**
 * Runs steps in order until one returns `false`; the result is `false` if one did. It
 * stays synchronous while the steps are, and becomes a promise at the first step that
 * returns one: a line of synchronous steps allocates no promise at all.
 *
 * This is the hot path -- change with care!
 */
export function runLine(
  steps: readonly Step[],
  req: AexRequest,
  res: AexResponse,
  scope: Scope,
  start = 0,
): boolean | Promise<boolean> {
  for (let i = start; i < steps.length; i++) {
    const result = steps[i](req, res, scope);
    if (isPromise(result)) {
      // The last step's own promise needs no async frame around it, only its verdict.
      if (i === steps.length - 1 && result instanceof Promise) return result.then(notFalse);
      return resume(result, steps, i + 1, req, res, scope);
    }
    if (result === false) return false;
  }
  return true;
}

const notFalse = (result: StepResult): boolean => result !== false;

async function resume(
  pending: PromiseLike<StepResult>,
  steps: readonly Step[],
  next: number,
  req: AexRequest,
  res: AexResponse,
  scope: Scope,
): Promise<boolean> {
  if ((await pending) === false) return false;
  return runLine(steps, req, res, scope, next);
}
