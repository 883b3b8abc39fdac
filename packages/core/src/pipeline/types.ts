import type { AexRequest } from "../http/request";
import type { AexResponse } from "../http/response";
import type { Scope } from "../scope/scope";

/**
 * What a step returns: `false` ends the Web Straight Line; anything else (nothing,
 * `true`, the `res` that `res.end()` returns…) goes on.
 */
export type StepResult = unknown;

/**
 * A step in classic (aex) mode: `(req, res, scope)`. Middlewares, per-route
 * middlewares, injected steps and handlers all have this shape.
 *
 * @example
 * const auth: IAsyncMiddleware = async (req, res, scope) => {
 *   if (!req.headers.authorization) { res.status(401).end(); return false; }
 * };
 */
export type IAsyncMiddleware = (req: AexRequest, res: AexResponse, scope: Scope) => StepResult | Promise<StepResult>;

/**
 * The single argument of a compact-mode step. `request`/`response` alias `req`/`res`. `S` types
 * the scope, as a classic handler's third parameter does (`RouteScope`, `ScopeWith`).
 */
export interface ICompactContext<S extends object = Scope> {
  /** The request. */
  readonly req: AexRequest;
  /** The response. */
  readonly res: AexResponse;
  /** The request's scope (typed as `S`: `ICompactContext<RouteScope<"/notes/:id">>`). */
  readonly scope: S;
  /** The request (`req`). */
  readonly request: AexRequest;
  /** The response (`res`). */
  readonly response: AexResponse;
}

/** A step in compact mode: `({ req, res, scope })`. */
export type ICompactedAsyncMiddleware = (context: ICompactContext) => StepResult | Promise<StepResult>;

/** A compiled step of a line; every step is brought to the classic shape at `prepare()`. */
export type Step = IAsyncMiddleware;
