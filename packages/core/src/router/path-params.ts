import type { RouteParams } from "../http/request";

/** The parameter names of one route pattern: `"/notes/:id/*rest"` → `"id" | "rest"`. */
export type ParamNames<P extends string> = P extends `${string}:${infer Name}/${infer Rest}`
  ? Name | ParamNames<`/${Rest}`>
  : P extends `${string}:${infer Name}`
    ? Name
    : P extends `${string}/*${infer Name}`
      ? Name extends ""
        ? "*"
        : Name
      : P extends "*"
        ? "*"
        : never;

/**
 * The route parameters a pattern names, each a string: `PathParams<"/notes/:id">` is
 * `{ readonly id: string }`. A pattern only known as `string` gives {@link RouteParams}.
 *
 * @example
 * const params: PathParams<"/users/:user/files/*path"> = { user: "ada", path: "a/b.txt" };
 */
export type PathParams<P extends string> = string extends P ? RouteParams : { readonly [K in ParamNames<P>]: string };
