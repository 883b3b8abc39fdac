import type { IAsyncMiddleware, Step } from "../pipeline/types";
import { addStep } from "./registry";

/** A step that is also a method decorator: `aex.use(x)`, `router.use(x)` and `@x` all work. */
export type DecoratorStep = IAsyncMiddleware & MethodDecorator;

/**
 * Makes `step` usable both ways. Called as a decorator (second argument a method name),
 * it records the step for that method; called with `(req, res, scope)`, it runs.
 *
 * @example
 * const timed = decoratorStep("timed", (req, res, scope) => { scope.inner.t0 = Date.now(); });
 * aex.use(timed);              // for every request
 * class A { @get("/") @timed home() {} } // for one method
 */
export function decoratorStep(name: string, step: Step): DecoratorStep {
  function dual(a: unknown, b: unknown, c: unknown): unknown {
    if (typeof b === "string" || typeof b === "symbol") {
      addStep(a as object, b, { name, build: () => step });
      return undefined;
    }
    return step(...([a, b, c] as Parameters<Step>));
  }
  return dual as DecoratorStep;
}
