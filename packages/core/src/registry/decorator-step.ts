import type { AexApp } from "./app-ref";
import type { IAsyncMiddleware, Step } from "../pipeline/types";
import type { StepOpenApi } from "./definitions";
import type { ResponseHooks } from "../http/response-hooks";
import { isDecoratorContext, methodDecorator, type AexMethodDecorator } from "./method-decorator";
import { addStep } from "./registry";

/** Where a step that needs its app keeps its builder; `aex.prepare()` calls it. */
export const BUILD_FOR_APP = Symbol("aex.buildForApp");

/** Where a step keeps the response hooks it adds; `aex.prepare()` adds them app-wide for `aex.use(x)`. */
export const RESPONSE_HOOKS = Symbol("aex.responseHooks");

/**
 * Where a step function keeps what it adds to its route's OpenAPI operation, so `@inject(step)`
 * records it too ({@link withOpenApi}; `decoratorStep` sets it).
 */
export const STEP_OPENAPI = Symbol("aex.stepOpenApi");

/**
 * Notes on `step` what it adds to its route's OpenAPI operation (the query parameters it
 * reads, the answers it may give), and returns it: `@inject(step)` then records that with the
 * step, as `decoratorStep(name, step, openapi)` does for its own.
 *
 * @example
 * const byTag = withOpenApi((req, res, scope) => { scope.inner.tag = scope.query.tag; }, {
 *   parameters: [{ name: "tag", in: "query", schema: { type: "string" } }],
 * });
 * class Notes { @get("/notes") @query() @inject(byTag) list() {} }
 *
 * @typeParam S - The step's own type, returned unchanged.
 */
export function withOpenApi<S extends (...args: never[]) => unknown>(step: S, openapi: StepOpenApi): S {
  Object.defineProperty(step, STEP_OPENAPI, { value: openapi, configurable: true });
  return step;
}

/** What a step function noted for its route's OpenAPI operation ({@link withOpenApi}), if anything. */
export function openApiOf(step: unknown): StepOpenApi | undefined {
  return typeof step === "function" ? (step as { [STEP_OPENAPI]?: StepOpenApi })[STEP_OPENAPI] : undefined;
}

/** A step that is also a method decorator: `aex.use(x)`, `router.use(x)` and `@x` all work. */
export type DecoratorStep = IAsyncMiddleware &
  AexMethodDecorator & {
    /** Builds the step for one app (null: nothing runs per request); `aex.prepare()` calls it for `aex.use(x)`. */
    readonly [BUILD_FOR_APP]?: (app: AexApp) => Step | null;
    /** The response hooks it adds for one app; `aex.prepare()` adds them for every route for `aex.use(x)`. */
    readonly [RESPONSE_HOOKS]?: (app: AexApp) => ResponseHooks;
  };

/** What {@link decoratorStep} makes a step from: a step, or builders for an app. */
export interface StepBuilder {
  /** The step for `app` (undefined: called directly, outside any app); null for none. */
  build(app: AexApp | undefined): Step | null;
  /** Response hooks for the step's route (or every route, given to `aex.use`). */
  response?(app: AexApp): ResponseHooks;
}

/**
 * Makes `step` usable both ways. Called as a decorator (standard or legacy), it records
 * the step for that method; called with `(req, res, scope)`, it runs.
 *
 * `step` may instead be a builder `{ build(app) }`: it then gets the app at `prepare()`
 * (as a decorator, or given to `aex.use`), and finds what the app's plugins set up.
 * Called directly (a router's middleware), it is built once, without an app.
 *
 * A builder may also give `response` hooks (compression, a cache): they join the step's
 * route's response phase, or every route's when the step is given to `aex.use`.
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
export function decoratorStep(name: string, step: Step | StepBuilder, openapi?: StepOpenApi): DecoratorStep {
  const build = typeof step === "function" ? () => step : (app: AexApp | undefined) => step.build(app);
  const response = typeof step === "function" ? undefined : step.response?.bind(step);
  const decorate = methodDecorator((holder, key) =>
    addStep(holder, key, {
      name,
      build: (context) => build(context.app),
      ...(response ? { response: (context: { app: AexApp }) => response(context.app) } : {}),
      ...(openapi ? { openapi } : {}),
    }),
  );
  let unbound: Step | null | undefined = typeof step === "function" ? step : undefined;
  function dual(a: unknown, b: unknown, c: unknown): unknown {
    if (typeof b === "string" || typeof b === "symbol" || isDecoratorContext(b)) {
      (decorate as (a: unknown, b: unknown, c: unknown) => void)(a, b, c);
      return undefined;
    }
    if (unbound === undefined) unbound = build(undefined);
    return unbound === null ? undefined : unbound(...([a, b, c] as Parameters<Step>));
  }
  Object.defineProperty(dual, BUILD_FOR_APP, { value: build });
  if (response !== undefined) Object.defineProperty(dual, RESPONSE_HOOKS, { value: response });
  if (openapi !== undefined) withOpenApi(dual, openapi);
  return dual as DecoratorStep;
}
