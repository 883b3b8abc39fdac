import { AexError } from "../errors/aex-error";
import type { IAsyncMiddleware, Step } from "../pipeline/types";
import { createDispatcher, type CompiledRoute } from "./dispatch";
import { joinPaths, normalizePath } from "./route-path";
import type { MethodsAt } from "./path-methods";
import { ANY_METHOD, RouteTable } from "./route-table";

interface RouteRecord {
  readonly method: string;
  readonly path: string;
  readonly handler: IAsyncMiddleware;
  readonly middlewares: readonly IAsyncMiddleware[];
}

interface Mount {
  readonly prefix: string;
  readonly router: Router;
  readonly middlewares: readonly IAsyncMiddleware[];
}

/** Marks the middleware of a router so `aex.prepare()` can compile it up front. */
export const COMPILE = Symbol("aex.router.compile");

/** Asks a router's middleware which methods have a route for a path (a 405's `Allow`). */
export const METHODS_AT = Symbol("aex.router.methodsAt");

/** A middleware made by {@link Router.toMiddleware}. */
export interface RouterMiddleware extends IAsyncMiddleware {
  /** Compiles the router's routes with the app's limits (`aex.prepare()` calls it). */
  [COMPILE]: (limits?: RouterLimits) => void;
  /** The methods, other than the one that missed, that have a route for a path (a 405's `Allow`). */
  [METHODS_AT]: MethodsAt;
}

/** Options of a {@link Router}. */
export interface RouterOptions {
  /** Longest `:param` value accepted (longer: 414). Default: the app's `maxParamLength` (500). */
  maxParamLength?: number;
}

/** What an app compiles its routers with: its limits, and its base path before every route. */
export interface RouterLimits extends RouterOptions {
  /** The app's `basePath` ("" for none). */
  basePath?: string;
}

/**
 * Routes without decorators. Handlers and middlewares are classic steps
 * `(req, res, scope)`; a route's line is router middlewares (`use`), then its own
 * middlewares, then the handler. Mounted with `aex.use(router.toMiddleware())`, a router
 * that finds no route passes the request on, like an Express router.
 *
 * @example
 * const router = new Router();
 * router.get("/", async (req, res, scope) => { res.end("Hello Aex!"); });
 * router.group("/api/v1", (api) => {
 *   api.get("/users/:id", async (req, res, scope) => res.json({ id: scope.params.id }));
 * });
 * aex.use(router.toMiddleware());
 */
export class Router {
  private readonly routes: RouteRecord[] = [];
  private readonly middlewares: IAsyncMiddleware[] = [];
  private readonly mounts: Mount[] = [];
  private compiled: Step | null = null;
  private table: RouteTable<CompiledRoute> | null = null;
  private sealed = false;

  constructor(private readonly config: RouterOptions = {}) {}

  /** Adds a GET route. `url` may be one pattern or several. */
  get(url: string | readonly string[], handler: IAsyncMiddleware, middlewares?: IAsyncMiddleware[]): this {
    return this.route("GET", url, handler, middlewares);
  }

  /** Adds a POST route. */
  post(url: string | readonly string[], handler: IAsyncMiddleware, middlewares?: IAsyncMiddleware[]): this {
    return this.route("POST", url, handler, middlewares);
  }

  /** Adds a PUT route. */
  put(url: string | readonly string[], handler: IAsyncMiddleware, middlewares?: IAsyncMiddleware[]): this {
    return this.route("PUT", url, handler, middlewares);
  }

  /** Adds a PATCH route. */
  patch(url: string | readonly string[], handler: IAsyncMiddleware, middlewares?: IAsyncMiddleware[]): this {
    return this.route("PATCH", url, handler, middlewares);
  }

  /** Adds a DELETE route. */
  delete(url: string | readonly string[], handler: IAsyncMiddleware, middlewares?: IAsyncMiddleware[]): this {
    return this.route("DELETE", url, handler, middlewares);
  }

  /** Adds a HEAD route (GET routes answer HEAD already). */
  head(url: string | readonly string[], handler: IAsyncMiddleware, middlewares?: IAsyncMiddleware[]): this {
    return this.route("HEAD", url, handler, middlewares);
  }

  /** Adds an OPTIONS route. */
  options(url: string | readonly string[], handler: IAsyncMiddleware, middlewares?: IAsyncMiddleware[]): this {
    return this.route("OPTIONS", url, handler, middlewares);
  }

  /** Adds a route that answers every method. */
  all(url: string | readonly string[], handler: IAsyncMiddleware, middlewares?: IAsyncMiddleware[]): this {
    return this.route(ANY_METHOD, url, handler, middlewares);
  }

  /** Adds a route for `method` (any HTTP method, or `"*"` for all). */
  route(
    method: string,
    url: string | readonly string[],
    handler: IAsyncMiddleware,
    middlewares: IAsyncMiddleware[] = [],
  ): this {
    this.assertOpen();
    assertFunctions([handler, ...middlewares]);
    for (const path of typeof url === "string" ? [url] : url) {
      this.routes.push({ method: method.toUpperCase(), path: normalizePath(path), handler, middlewares });
    }
    return this;
  }

  /** Adds middlewares that run before every route of this router (only when one matches). */
  use(...middlewares: IAsyncMiddleware[]): this {
    this.assertOpen();
    assertFunctions(middlewares);
    this.middlewares.push(...middlewares);
    return this;
  }

  /** Mounts another router under `prefix`, with optional middlewares for its routes. */
  mount(prefix: string, router: Router, middlewares: IAsyncMiddleware[] = []): this {
    this.assertOpen();
    assertFunctions(middlewares);
    normalizePath(prefix);
    this.mounts.push({ prefix, router, middlewares });
    return this;
  }

  /**
   * Groups routes under `prefix`: `build` receives a new router whose routes get the
   * prefix and the group's middlewares. Groups nest.
   */
  group(prefix: string, build: (router: Router) => void, middlewares: IAsyncMiddleware[] = []): this {
    const child = new Router(this.config);
    build(child);
    return this.mount(prefix, child, middlewares);
  }

  /**
   * The router as a step for `aex.use()`. Routes are compiled on `aex.prepare()` or the
   * first request, whichever comes first; after that the router takes no more routes.
   */
  toMiddleware(): RouterMiddleware {
    const middleware = ((req, res, scope) => (this.compiled ?? this.compile())(req, res, scope)) as RouterMiddleware;
    middleware[COMPILE] = (limits) => void this.compile(limits);
    middleware[METHODS_AT] = (path, missed, found) => {
      this.compile();
      return this.table?.methodsAt(path, missed, found) ?? found;
    };
    return middleware;
  }

  /** Builds the routing step; the router's own options win over the app's `limits`. */
  private compile(limits: RouterLimits = {}): Step {
    if (this.compiled !== null) return this.compiled;
    const table = new RouteTable<CompiledRoute>();
    for (const route of this.flatten(limits.basePath ?? "", [])) {
      table.add(route.method, route.path, { steps: [...route.middlewares, route.handler], phase: null });
    }
    this.seal();
    this.table = table;
    return (this.compiled = createDispatcher(table, this.config.maxParamLength ?? limits.maxParamLength));
  }

  /** Every route of this router and its mounts, prefixed, with its full middleware list. */
  private flatten(prefix: string, outer: readonly IAsyncMiddleware[]): RouteRecord[] {
    const before = [...outer, ...this.middlewares];
    const own = this.routes.map((r) => ({
      ...r,
      path: joinPaths(prefix, r.path),
      middlewares: [...before, ...r.middlewares],
    }));
    const mounted = this.mounts.flatMap((m) =>
      m.router.flatten(joinPaths(prefix, m.prefix), [...before, ...m.middlewares]),
    );
    return [...own, ...mounted];
  }

  private seal(): void {
    this.sealed = true;
    for (const m of this.mounts) m.router.seal();
  }

  private assertOpen(): void {
    if (this.sealed) throw new AexError("AEX_ERR_ALREADY_PREPARED", "this router is already in use");
  }
}

function assertFunctions(fns: readonly unknown[]): void {
  for (const fn of fns) {
    if (typeof fn !== "function") throw new AexError("AEX_ERR_MIDDLEWARE_INVALID", typeof fn);
  }
}
