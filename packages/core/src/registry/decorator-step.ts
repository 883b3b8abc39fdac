import type { IAsyncMiddleware, Step } from "../pipeline/types";
import { isDecoratorContext, methodDecorator, type AexMethodDecorator } from "./method-decorator";
import { addStep } from "./registry";

/** A step that is also a method decorator: `aex.use(x)`, `router.use(x)` and `@x` all work. */
export type DecoratorStep = IAsyncMiddleware & AexMethodDecorator;

/**
 * Makes `step` usable both ways. Called as a decorator (standard or legacy), it records
 * the step for that method; called with `(req, res, scope)`, it runs.
 *
 * @example
 * const timed = decoratorStep("timed", (req, res, scope) => { scope.inner.t0 = Date.now(); });
 * aex.use(timed);              // for every request
 * class A { @get("/") @timed home() {} } // for one method
 */
export function decoratorStep(name: string, step: Step): DecoratorStep {
  const decorate = methodDecorator((holder, key) => addStep(holder, key, { name, build: () => step }));
  function dual(a: unknown, b: unknown, c: unknown): unknown {
    if (typeof b === "string" || typeof b === "symbol" || isDecoratorContext(b)) {
      (decorate as (a: unknown, b: unknown, c: unknown) => void)(a, b, c);
      return undefined;
    }
    return step(...([a, b, c] as Parameters<Step>));
  }
  return dual as DecoratorStep;
}
