import type { Aex } from "../app/aex";
import type { Step } from "../pipeline/types";

/** A method's name on a controller class. */
export type MethodKey = string | symbol;

/** What a step or handler builder gets at `prepare()`. */
export interface BuildContext {
  /** The controller instance (`this` of handlers and injected steps). */
  readonly instance: object;
  /** The decorated method's name. */
  readonly methodName: MethodKey;
  /** The app being prepared. */
  readonly app: Aex;
}

/**
 * A step recorded by a decorator (`@body`, `@filter`, a plugin's…). It is built once,
 * at `prepare()`, into the function that runs per request.
 *
 * @example
 * addStep(target, key, { name: "timer", build: () => (req, res, scope) => { scope.inner.t = Date.now(); } });
 */
export interface StepDefinition {
  /** Shown in debug logs. */
  readonly name: string;
  /** Makes the step for one route, at `prepare()`: the app, the controller and the method are known then. */
  build(context: BuildContext): Step;
}

/** A route recorded by `@http` and its family. */
export interface RouteDefinition {
  /** Upper-case HTTP methods, or `["*"]` for all. */
  readonly methods: readonly string[];
  /** Normalised URL patterns. */
  readonly urls: readonly string[];
  /** Whether the handler takes one `{ req, res, scope }` argument. */
  readonly compact: boolean;
  /**
   * Builds the route's handler instead of calling the decorated method
   * (`@rest`, `@api`, `@serve` use it). It runs after the method's steps.
   */
  readonly handler?: (context: BuildContext) => Step;
  /**
   * An upgrade route (`@ws`): served on the server's `upgrade` event, through the same
   * middlewares and steps, instead of as an HTTP request.
   */
  readonly upgrade?: boolean;
  /** Steps that run before the method's decorator steps (e.g. `@rest`'s body parsing). */
  readonly before?: readonly StepDefinition[];
}
