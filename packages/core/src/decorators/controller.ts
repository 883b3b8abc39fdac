import { AexError } from "../errors/aex-error";
import { PREFIX_KEY } from "../registry/keys";
import { METADATA } from "../registry/metadata-symbol";
import { isDecoratorContext } from "../registry/method-decorator";
import { joinPaths, normalizePath } from "../router/route-path";

/** A class decorator for both decorator modes (standard and `experimentalDecorators`). */
export interface AexClassDecorator {
  /** Standard decorators: the class and its context. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- any class may be decorated
  <Class extends abstract new (...args: any) => unknown>(value: Class, context: ClassDecoratorContext<Class>): void;
  /** Legacy decorators: the class. */
  (target: Function): void;
}

/**
 * Puts every route of a controller class under `prefix`: `@controller("/api")` on a class with
 * `@get("/notes/:id")` answers `/api/notes/:id`. A subclass takes its parent's prefix unless it
 * has its own. With the app's `basePath` (`new Aex({ basePath: "/v1" })`) the route is
 * `/v1/api/notes/:id`; `aex.routes()`, `aex routes` and OpenAPI list the full path.
 *
 * @example
 * @controller("/api")
 * class Notes {
 *   @get("/notes/:id") note(req, res, scope) { res.json({ id: scope.params.id }); } // GET /api/notes/:id
 * }
 */
export function controller(prefix: string): AexClassDecorator {
  // A prefix names no parameters: a handler's RouteScope is typed from its own pattern.
  // An empty segment (`/a//b`) would make routes only a `//` path reaches: a typo, refused.
  if (
    typeof prefix !== "string" ||
    !prefix.startsWith("/") ||
    prefix.includes("*") ||
    prefix.includes(":") ||
    prefix.includes("//")
  ) {
    throw new AexError(
      "AEX_ERR_DECORATOR_ARGS",
      `@controller takes a path prefix such as "/api", not ${JSON.stringify(prefix)}`,
    );
  }
  const normalized = normalizePath(prefix);
  return function decorate(target: unknown, context?: unknown): void {
    if (isDecoratorContext(context)) {
      if (context.kind !== "class") {
        throw new AexError("AEX_ERR_DECORATOR_TARGET", `@controller goes on a class, not a ${context.kind}`);
      }
      const metadata = context.metadata as Record<symbol, unknown> | undefined;
      if (metadata === undefined || metadata === null) {
        throw new AexError("AEX_ERR_DECORATOR_METADATA", `class ${String(context.name)}`);
      }
      Object.defineProperty(metadata, PREFIX_KEY, { value: normalized, configurable: true });
      return;
    }
    if (typeof target !== "function" || context !== undefined) {
      throw new AexError("AEX_ERR_DECORATOR_TARGET", "@controller goes on a class");
    }
    Object.defineProperty(target.prototype as object, PREFIX_KEY, { value: normalized, configurable: true });
  } as AexClassDecorator;
}

/** The URL prefix of `Class` (its own `@controller`, else its parent's), or `""`. */
export function prefixOf(Class: Function): string {
  const metadata = (Class as unknown as Record<symbol, Record<symbol, unknown> | null | undefined>)[METADATA];
  const standard = metadata?.[PREFIX_KEY];
  if (typeof standard === "string") return standard;
  const legacy = (Class.prototype as Record<symbol, unknown> | undefined)?.[PREFIX_KEY];
  return typeof legacy === "string" ? legacy : "";
}

/** The full pattern of a route of `Class`: the app's base path, the class's prefix, the route's URL. */
export function routePath(basePath: string, Class: Function, url: string): string {
  const prefix = prefixOf(Class);
  return joinPaths(prefix === "" ? basePath : joinPaths(basePath, prefix), url);
}
