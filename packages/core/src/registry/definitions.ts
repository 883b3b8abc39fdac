import type { AexApp } from "./app-ref";
import type { Step } from "../pipeline/types";
import type { ResponseHooks, ResponsePhase } from "../http/response-hooks";

/** A method's name on a controller class. */
export type MethodKey = string | symbol;

/** What a step or handler builder gets at `prepare()`. */
export interface BuildContext {
  /** The controller instance (`this` of handlers and injected steps). */
  readonly instance: object;
  /** The decorated method's name. */
  readonly methodName: MethodKey;
  /** The app being prepared. */
  readonly app: AexApp;
  /**
   * The route's response phase without the hooks of `key` (all of it without a key), made on
   * first call: a step that answers for its route (a cache hit) answers through the other
   * hooks only.
   */
  readonly responsePhase?: (without?: symbol) => ResponsePhase;
}

/** A security scheme as OpenAPI 3.1's `components.securitySchemes` holds it. */
export interface SecuritySchemeDoc {
  /** The scheme's name in `components.securitySchemes` (e.g. `"bearerAuth"`). */
  readonly name: string;
  /** The Security Scheme Object: `{ type: "http", scheme: "bearer" }`, `{ type: "apiKey", in, name }`… */
  readonly scheme: Readonly<Record<string, unknown>>;
}

/** A parameter a step reads, as OpenAPI 3.1's Parameter Object describes it (`paginate`'s `page`). */
export interface ParameterDoc {
  /** The parameter's name. */
  readonly name: string;
  /** Where it is read. */
  readonly in: "query" | "header" | "cookie";
  /** Whether a request must send it. Default false. */
  readonly required?: boolean;
  /** What it means (Markdown). */
  readonly description?: string;
  /** Its JSON Schema (`{ type: "integer", minimum: 1 }`). */
  readonly schema: Readonly<Record<string, unknown>>;
}

/** What a step adds to its route's OpenAPI operation (guards say what they enforce). */
export interface StepOpenApi {
  /** Schemes the step accepts, any one of them; the operation requires them (`security`). */
  readonly security?: readonly SecuritySchemeDoc[];
  /** The step also lets requests through with no credentials (`{}` among the requirements). */
  readonly optional?: boolean;
  /** Roles the step requires, listed in each security requirement (OpenAPI 3.1 allows role names). */
  readonly roles?: readonly string[];
  /** Answers the step may give instead of the handler, by status: their descriptions. */
  readonly responses?: Readonly<Record<string, string>>;
  /** Parameters the step reads (`paginate()`: `page` and `limit` of the query). */
  readonly parameters?: readonly ParameterDoc[];
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
  /**
   * Makes the step for one route, at `prepare()`: the app, the controller and the method are
   * known then. `null`: nothing runs per request (a step that only adds `response` hooks).
   */
  build(context: BuildContext): Step | null;
  /**
   * What the step adds to its route's response phase (compression, a cache): hooks that see
   * the answer before it goes out and after, compiled into the route at `prepare()`.
   */
  readonly response?: (context: BuildContext) => ResponseHooks;
  /** What the step adds to the route's OpenAPI operation. */
  readonly openapi?: StepOpenApi;
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
  /** The media type of a successful answer, for OpenAPI (`@sse`: `text/event-stream`). */
  readonly produces?: string;
  /** Answers the route's own handler may give besides success, by status, for OpenAPI (`@serve`: 404). */
  readonly responses?: Readonly<Record<string, string>>;
}
