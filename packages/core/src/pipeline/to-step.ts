import { AexError } from "../errors/aex-error";
import { CompactContext } from "./compact-context";
import type { ICompactedAsyncMiddleware, IAsyncMiddleware, Step } from "./types";

/** A user function in either mode, with whatever `this` it wants. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- user functions declare their own `this` and parameter types
export type AnyStepFunction = (...args: any[]) => unknown;

/**
 * Brings a user function to the classic step shape, once, at prepare time:
 * binds `this` to `self` and, in compact mode, wraps the three arguments in one object.
 */
export function toStep(fn: AnyStepFunction, self: unknown, compact: boolean): Step {
  if (typeof fn !== "function") throw new AexError("AEX_ERR_MIDDLEWARE_INVALID", typeof fn);
  if (compact) {
    const compactFn = fn as ICompactedAsyncMiddleware;
    return (req, res, scope) => compactFn.call(self, new CompactContext(req, res, scope));
  }
  return self === undefined ? (fn as IAsyncMiddleware) : (fn.bind(self) as IAsyncMiddleware);
}

/** The step of a controller's method `name`, bound to the controller. */
export function methodStep(instance: object, name: string | symbol, compact: boolean): Step {
  return toStep((instance as Record<string | symbol, AnyStepFunction>)[name], instance, compact);
}
