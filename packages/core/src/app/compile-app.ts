import type { EventEmitter } from "node:events";
import type { AexResponse } from "../http/response";
import type { ResponseHooks } from "../http/response-hooks";
import { compilePhase, PHASE } from "../http/response-phase";
import type { Step } from "../pipeline/types";
import type { AexApp } from "../registry/app-ref";
import { BUILD_FOR_APP, RESPONSE_HOOKS, type DecoratorStep } from "../registry/decorator-step";
import type { AttachedUpgrades } from "../router/attached-upgrades";
import { createDispatcher, type CompiledRoute } from "../router/dispatch";
import { PathMethods, type MethodsAt, type UpgradesAt } from "../router/path-methods";
import { matchesEveryPath } from "../router/route-path";
import { RouteTable } from "../router/route-table";
import { COMPILE, METHODS_AT, type RouterMiddleware } from "../router/router";
import { compileController, type BoundListener, type Constructor } from "./compile-controller";

/** What `prepare()` compiles an app into: the request entry runs it. */
export interface CompiledApp {
  /** The line of an HTTP request: the app's middlewares, then its route table. */
  readonly line: readonly Step[];
  /** The line of an upgrade request: the same middlewares, the `@ws` routes, attached servers. */
  readonly upgradeLine: readonly Step[];
  /** How many `@ws` routes there are (the server listens for upgrades when any). */
  readonly upgradeRoutes: number;
  /** Which methods a path has, for requests no route answered; `null` with `methodNotAllowed: false`. */
  readonly pathMethods: PathMethods | null;
  /** Whether any response phase has `onResponse` hooks: responses are then watched for their end. */
  readonly watchEnds: boolean;
  /** The controllers' `@listen` listeners, removed on close. */
  readonly listeners: readonly BoundListener[];
}

/** What an app gives `compileApp`. */
export interface AppParts {
  readonly app: AexApp;
  readonly pushed: ReadonlyMap<Constructor, readonly unknown[]>;
  readonly middlewares: readonly Step[];
  /** The app-wide response hooks; hooks of steps given to `aex.use` are added to it. */
  readonly responseHooks: ResponseHooks[];
  readonly attached: AttachedUpgrades;
  readonly emitter: EventEmitter;
  readonly Response: typeof AexResponse;
  readonly maxParamLength: number;
  readonly methodNotAllowed: boolean;
  /** The app's `basePath` ("" for none): before every route of its controllers and routers. */
  readonly basePath: string;
}

/**
 * Builds the request lines of an app, once: creates the pushed controllers, compiles their
 * routes and response phases, compiles routers with the app's limits, builds the steps
 * that need their app, and puts the app-wide response phase on its response class.
 */
export function compileApp(parts: AppParts): CompiledApp {
  const { app, middlewares: given, responseHooks, maxParamLength, basePath } = parts;
  // Steps given to aex.use() that add response hooks add them for every route.
  for (const middleware of given) {
    const hooks = (middleware as DecoratorStep)[RESPONSE_HOOKS]?.(app);
    if (hooks !== undefined) responseHooks.push(hooks);
  }
  const appPhase = compilePhase([], responseHooks);
  parts.Response.prototype[PHASE] = appPhase;
  const table = new RouteTable<CompiledRoute>();
  const upgrades = new RouteTable<CompiledRoute>();
  let watchEnds = appPhase.onResponse !== null;
  const listeners: BoundListener[] = [];
  for (const [Class, args] of parts.pushed) {
    const compiled = compileController(app, Class, args, { table, upgrades }, parts.emitter, responseHooks, basePath);
    listeners.push(...compiled.listeners);
    if (compiled.watchesEnds) watchEnds = true;
  }
  // Routers compile with the app's limits (their own options win).
  for (const middleware of given) (middleware as Partial<RouterMiddleware>)[COMPILE]?.({ maxParamLength, basePath });
  // Steps that need their app (a plugin's) are built for this one; some only add hooks.
  const middlewares: Step[] = [];
  for (const middleware of given) {
    const build = (middleware as DecoratorStep)[BUILD_FOR_APP];
    const step = build === undefined ? middleware : build(app);
    if (step !== null) middlewares.push(step);
  }
  const line = table.count > 0 ? [...middlewares, createDispatcher(table, maxParamLength, true)] : middlewares;
  // Upgrades walk the same middlewares, then the `@ws` routes, then attached servers.
  const upgradeLine = [
    ...middlewares,
    ...(upgrades.count > 0 ? [createDispatcher(upgrades, maxParamLength, true)] : []),
    parts.attached.step,
  ];
  const pathMethods = parts.methodNotAllowed ? collectPathMethods(table, upgrades, given, parts.attached) : null;
  return { line, upgradeLine, upgradeRoutes: upgrades.count, pathMethods, watchEnds, listeners };
}

/** Every table a request can be routed through, asked only when no route answered it. */
function collectPathMethods(
  table: RouteTable<CompiledRoute>,
  upgrades: RouteTable<CompiledRoute>,
  middlewares: readonly Step[],
  attached: AttachedUpgrades,
): PathMethods {
  const http: MethodsAt[] = [];
  if (table.count > 0) http.push((path, missed, found) => table.methodsAt(path, missed, found));
  for (const middleware of middlewares) {
    const methodsAt = (middleware as Partial<RouterMiddleware>)[METHODS_AT];
    if (methodsAt !== undefined) http.push(methodsAt);
  }
  const upgradesAt: UpgradesAt[] = [(path) => attached.size > 0 && attached.has(path)];
  if (upgrades.count > 0) {
    // A `@ws("*")` route upgrades every path: it names none, so unknown paths keep their 404.
    upgradesAt.push((path) => {
      const entry = upgrades.find("GET", path, []);
      return entry !== null && !matchesEveryPath(entry.pattern);
    });
  }
  return new PathMethods(http, upgradesAt);
}
