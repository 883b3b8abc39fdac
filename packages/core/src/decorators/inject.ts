import { methodDecorator, type AexMethodDecorator } from "../registry/method-decorator";
import { AexError } from "../errors/aex-error";
import { toStep, type AnyStepFunction } from "../pipeline/to-step";
import type { IAsyncMiddleware, ICompactedAsyncMiddleware, Step } from "../pipeline/types";
import { openApiOf } from "../registry/decorator-step";
import { addStep } from "../registry/registry";

/**
 * Runs `injector`; when it returns `false`, runs `fallback` (if any) and ends the line.
 * Both are already bound and in classic shape.
 */
export function guardedStep(injector: Step, fallback: Step | undefined): Step {
  if (fallback === undefined) return injector;
  return async (req, res, scope) => {
    if ((await injector(req, res, scope)) !== false) return undefined;
    await fallback(req, res, scope);
    return false;
  };
}

/**
 * Injects a step before the handler: a middleware for one method. `this` inside the
 * injector and the fallback is the controller. Returning `false` ends the line, after
 * running `fallback` if given. Pass `compact = true` for `({ req, res, scope })` functions.
 *
 * @example
 * class User {
 *   @http("post", "/user/login")
 *   @inject(async function (this: User, req, res, scope) {
 *     if (!req.headers.authorization) return false;
 *   }, async function fallback(this: User, req, res) {
 *     res.statusCode = 401;
 *     res.end("Unauthorized");
 *   })
 *   async login(req, res, scope) { res.end("welcome"); }
 * }
 */
export function inject(injector: IAsyncMiddleware, fallback?: IAsyncMiddleware, compact?: false): AexMethodDecorator;
export function inject(
  injector: ICompactedAsyncMiddleware,
  fallback: ICompactedAsyncMiddleware | undefined,
  compact: true,
): AexMethodDecorator;
export function inject(injector: AnyStepFunction, fallback?: AnyStepFunction, compact = false): AexMethodDecorator {
  if (typeof injector !== "function" || (fallback !== undefined && typeof fallback !== "function")) {
    throw new AexError("AEX_ERR_DECORATOR_ARGS", "@inject takes functions");
  }
  // A step that says what it reads or answers (`paginate()`, a `decoratorStep`) says it for this route.
  const openapi = openApiOf(injector);
  return methodDecorator((holder, key) => {
    addStep(holder, key, {
      name: `inject(${injector.name || "anonymous"})`,
      build: ({ instance }) =>
        guardedStep(
          toStep(injector, instance, compact),
          fallback === undefined ? undefined : toStep(fallback, instance, compact),
        ),
      ...(openapi === undefined ? {} : { openapi }),
    });
  });
}

/**
 * `@inject` in compact mode: injector and fallback take `({ req, res, scope })`.
 *
 * @example
 * class User {
 *   @get("/me")
 *   @hook(async ({ scope }) => { scope.inner.user = "alice"; })
 *   me(req, res, scope) { res.end(scope.inner.user); }
 * }
 */
export function hook(injector: ICompactedAsyncMiddleware, fallback?: ICompactedAsyncMiddleware): AexMethodDecorator {
  return inject(injector, fallback, true);
}
