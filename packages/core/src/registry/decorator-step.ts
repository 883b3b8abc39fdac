import type { Aex } from "../app/aex";
import type { IAsyncMiddleware, Step } from "../pipeline/types";
import type { StepOpenApi } from "./definitions";
import { isDecoratorContext, methodDecorator, type AexMethodDecorator } from "./method-decorator";
import { addStep } from "./registry";

/** Where a step that needs its app keeps its builder; `aex.prepare()` calls it. */
export const BUILD_FOR_APP = Symbol("aex.buildForApp");

/** A step that is also a method decorator: `aex.use(x)`, `router.use(x)` and `@x` all work. */
export type DecoratorStep = IAsyncMiddleware &
  AexMethodDecorator & {
    /** Builds the step for one app; `aex.prepare()` calls it for `aex.use(x)`. */
    readonly [BUILD_FOR_APP]?: (app: Aex) => Step;
  };

/**
 * Makes `step` usable both ways. Called as a decorator (standard or legacy), it records
 * the step for that method; called with `(req, res, scope)`, it runs.
 *
 * `step` may instead be a builder `{ build(app) }`: it then gets the app at `prepare()`
 * (as a decorator, or given to `aex.use`), and finds what the app's plugins set up.
 * Called directly (a router's middleware), it is built once, without an app.
 *
 * `openapi` says what the step adds to its route's OpenAPI operation (the security scheme
 * a guard enforces, the answers it may give instead of the handler).
 *
 * @example
 * ```ts
 * const timed = decoratorStep("timed", (req, res, scope) => { scope.inner.t0 = Date.now(); });
 * aex.use(timed);              // for every request
 * class A { @get("/") @timed home() {} } // for one method
 * ```
 */
export function decoratorStep(
  name: string,
  step: Step | { build(app: Aex | undefined): Step },
  openapi?: StepOpenApi,
): DecoratorStep {
  const build = typeof step === "function" ? () => step : (app: Aex | undefined) => step.build(app);
  const decorate = methodDecorator((holder, key) =>
    addStep(holder, key, { name, build: (context) => build(context.app), ...(openapi ? { openapi } : {}) }),
  );
  let unbound: Step | null = typeof step === "function" ? step : null;
  function dual(a: unknown, b: unknown, c: unknown): unknown {
    if (typeof b === "string" || typeof b === "symbol" || isDecoratorContext(b)) {
      (decorate as (a: unknown, b: unknown, c: unknown) => void)(a, b, c);
      return undefined;
    }
    unbound ??= build(undefined);
    return unbound(...([a, b, c] as Parameters<Step>));
  }
  Object.defineProperty(dual, BUILD_FOR_APP, { value: build });
  return dual as DecoratorStep;
}
