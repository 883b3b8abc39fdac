import type { AexRequest } from "../http/request";
import type { AexResponse } from "../http/response";
import type { Scope } from "../scope/scope";
import type { Step, StepResult } from "./types";

/** True for a promise or any other thenable a step may return. */
export function isPromise(value: unknown): value is PromiseLike<StepResult> {
  return typeof (value as Promise<unknown> | null)?.then === "function";
}

/**
 * Runs steps in order until one returns `false`; resolves to `false` if one did.
 * A synchronous step's result is used as is: awaiting it would only add a tick.
 *
 * This is the hot path -- change with care!
 */
export async function runLine(
  steps: readonly Step[],
  req: AexRequest,
  res: AexResponse,
  scope: Scope,
): Promise<boolean> {
  for (let i = 0; i < steps.length; i++) {
    let result = steps[i](req, res, scope);
    if (isPromise(result)) result = await result;
    if (result === false) return false;
  }
  return true;
}
