import type { IAsyncMiddleware } from "@aex/core";
import type { MethodKey } from "@aex/core/plugin";
import type { AuthUser } from "./auth-user";

/* eslint-disable @typescript-eslint/no-explicit-any -- req, res and the rest are the user's to type */
/** The scope parameter a handler declares (`unknown` when it declares none, or in compact mode). */
type ScopeParam<M> = M extends (req: any, res: any, scope: infer P, ...rest: any[]) => unknown ? P : unknown;
/* eslint-enable @typescript-eslint/no-explicit-any */

/** What a compile error about a handler whose `scope.user` type disagrees with its `@auth` shows. */
export interface UserMismatch<Declared, Given> {
  /** What `@auth` gives `scope.user` (the compile error reads it). */
  readonly "the handler's scope.user type does not accept what @auth gives it": Given;
  /** The type the handler's scope declares for `user`. */
  readonly declared: Declared;
}

/** What `@auth` puts in `scope.user`: a user, or, when optional, maybe none. */
type Given<IsOptional extends boolean> = IsOptional extends true ? AuthUser | undefined : AuthUser;

/**
 * `unknown` when the handler's declared `scope.user` fits what `@auth` gives it: an
 * {@link AuthUser} after a required `@auth`, `AuthUser | undefined` after
 * `auth({ optional: true })` (a plain `Scope`, or no scope, always fits); a
 * {@link UserMismatch} otherwise.
 */
export type UserCheck<M, IsOptional extends boolean> = "user" extends keyof ScopeParam<M>
  ? [Given<IsOptional>] extends [ScopeParam<M>["user" & keyof ScopeParam<M>]]
    ? unknown
    : UserMismatch<ScopeParam<M>["user" & keyof ScopeParam<M>], Given<IsOptional>>
  : unknown;

/**
 * What `auth(options)` returns: a step for `aex.use` (or a `Router`) and a method decorator
 * that checks its method's type (its signatures are only the checked ones: a generic one
 * beside them would let any method through). A handler that declares `scope.user` as present
 * (`RouteScope<"/me", { user: AuthUser }>`) is a compile error after
 * `auth({ optional: true })`, where a request may come without a token, under both decorator
 * modes.
 */
export type AuthDecorator<IsOptional extends boolean> = {
  /**
   * Standard decorators: the method and its context.
   *
   * @typeParam This The controller class.
   * @typeParam M The decorated method, whose `scope.user` type is checked.
   */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- any method, checked by UserCheck
  <This, M extends (this: This, ...args: any[]) => unknown>(
    value: M & UserCheck<M, IsOptional>,
    context: ClassMethodDecoratorContext<This, M>,
  ): void;
  /**
   * Legacy decorators: the prototype, the method's name and its descriptor.
   *
   * @typeParam M The decorated method, whose `scope.user` type is checked.
   */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- any method, checked by UserCheck
  <M extends (...args: any[]) => unknown>(
    target: object,
    key: MethodKey,
    descriptor: TypedPropertyDescriptor<M> & { value?: UserCheck<M, IsOptional> },
  ): void;
} & IAsyncMiddleware;
