import type { MethodKey } from "../registry/definitions";
import type { ParamNames } from "../router/path-params";

/** One URL pattern or several. */
export type Urls = string | readonly string[];

/* eslint-disable @typescript-eslint/no-explicit-any -- req, res and the rest are the user's to type */
/** The scope parameter a handler declares (`unknown` when it declares none, or in compact mode). */
type ScopeParam<M> = M extends (req: any, res: any, scope: infer P, ...rest: any[]) => unknown ? P : unknown;
/* eslint-enable @typescript-eslint/no-explicit-any */

/** The parameter names a handler's declared `scope.params` reads (none when it reads any name). */
type DeclaredParams<S> = "params" extends keyof S
  ? string extends keyof S["params"]
    ? never
    : Extract<keyof S["params"], string>
  : never;

/** The patterns of `U` that do not name one of `Names`. */
type MissingIn<U extends string, Names extends string> = U extends unknown
  ? [Exclude<Names, ParamNames<U>>] extends [never]
    ? never
    : U
  : never;

/** What a compile error about a handler whose scope reads a parameter its route lacks shows. */
export interface RouteMismatch<Pattern extends string, Params extends string> {
  /** The route pattern that names none of these parameters (the compile error reads it). */
  readonly "the route pattern does not name the scope's params": Pattern;
  /** The parameter names the handler's scope type reads. */
  readonly params: Params;
}

/**
 * `unknown` when every parameter the handler's declared `scope.params` reads is named by each
 * of the route's patterns (or the handler declares a plain `Scope`, or no scope); a
 * {@link RouteMismatch} otherwise.
 */
export type RouteCheck<M, U extends Urls> = [DeclaredParams<ScopeParam<M>>] extends [never]
  ? unknown
  : [MissingIn<U extends readonly string[] ? U[number] : U & string, DeclaredParams<ScopeParam<M>>>] extends [never]
    ? unknown
    : RouteMismatch<
        MissingIn<U extends readonly string[] ? U[number] : U & string, DeclaredParams<ScopeParam<M>>>,
        DeclaredParams<ScopeParam<M>>
      >;

/**
 * A route decorator (`@get(url)`…) that checks its method's type: a handler whose declared
 * `scope.params` reads a parameter the pattern does not name (`RouteScope<"/notes/:slug">` on
 * `@get("/notes/:id")`) is a compile error, under standard decorators and under
 * `experimentalDecorators`. A handler with a plain `Scope` is not checked.
 */
export interface RouteDecorator<U extends Urls> {
  /**
   * Standard decorators: the method and its context.
   *
   * @typeParam This The controller class.
   * @typeParam M The decorated method, whose `scope` type is checked.
   */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- any method, checked by RouteCheck
  <This, M extends (this: This, ...args: any[]) => unknown>(
    value: M & RouteCheck<M, U>,
    context: ClassMethodDecoratorContext<This, M>,
  ): void;
  /**
   * Legacy decorators: the prototype, the method's name and its descriptor.
   *
   * @typeParam M The decorated method, whose `scope` type is checked.
   */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- any method, checked by RouteCheck
  <M extends (...args: any[]) => unknown>(
    target: object,
    key: MethodKey,
    descriptor: TypedPropertyDescriptor<M> & { value?: RouteCheck<M, U> },
  ): void;
}
