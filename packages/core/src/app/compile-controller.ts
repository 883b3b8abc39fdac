import type { EventEmitter } from "node:events";
import debug from "debug";
import { isPromise } from "../pipeline/is-promise";
import { methodStep, type AnyStepFunction } from "../pipeline/to-step";
import type { BuildContext, StepDefinition } from "../registry/definitions";
import type { Step } from "../pipeline/types";
import { compilePhase } from "../http/response-phase";
import type { ResponseHooks, ResponsePhase } from "../http/response-hooks";
import { listenersOf, routesOf, stepsOf } from "../registry/registry";
import type { CompiledRoute } from "../router/dispatch";
import type { RouteTable } from "../router/route-table";
import { routePath } from "../decorators/controller";
import type { AexApp } from "../registry/app-ref";

const logListener = debug("aex:listen");

/** The per-request steps of `definitions` (a definition may have none: `build` gives null). */
function built(definitions: readonly StepDefinition[], context: BuildContext): Step[] {
  const steps: Step[] = [];
  for (const definition of definitions) {
    const step = definition.build(context);
    if (step !== null) steps.push(step);
  }
  return steps;
}

/** A class `aex.push()` takes: anything built with `new`. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- constructors of user classes take any arguments
export type Constructor<T extends object = object> = new (...args: any[]) => T;

/** An event listener registered for a controller, kept to remove it on close. */
export interface BoundListener {
  readonly event: string | symbol;
  readonly listener: (...messages: unknown[]) => void;
}

/**
 * Builds a pushed controller: creates the instance, compiles each decorated method's
 * line (route's own steps, decorator steps top to bottom, handler) and its response phase
 * (its steps' hooks, then `appHooks`) into `table` (or `upgrades`, for `@ws` routes), and
 * binds its `@listen` methods to `emitter`.
 */
export function compileController(
  app: AexApp,
  Class: Constructor,
  args: readonly unknown[],
  tables: { readonly table: RouteTable<CompiledRoute>; readonly upgrades: RouteTable<CompiledRoute> },
  emitter: EventEmitter,
  appHooks: readonly ResponseHooks[],
  basePath = "",
): { listeners: BoundListener[]; watchesEnds: boolean } {
  let watchesEnds = false;
  const instance = new Class(...args) as Record<string | symbol, unknown>;

  for (const [methodName, routes] of routesOf(Class)) {
    const definitions = stepsOf(Class, methodName);
    // The route's own response hooks (`@compress`, `@cache`), before the app's.
    const own: ResponseHooks[] = [];
    const phases = new Map<symbol | undefined, ResponsePhase>();
    const responsePhase = (without?: symbol): ResponsePhase => {
      let phase = phases.get(without);
      if (phase === undefined) {
        phase = compilePhase(
          own.filter((hooks) => without === undefined || hooks.key !== without),
          appHooks.filter((hooks) => without === undefined || hooks.key !== without),
        );
        phases.set(without, phase);
      }
      return phase;
    };
    const context: BuildContext = { instance, methodName, app, responsePhase };
    for (const step of definitions) if (step.response !== undefined) own.push(step.response(context));
    const steps = built(definitions, context);
    const phase = own.length === 0 ? null : responsePhase();
    if (phase?.onResponse != null) watchesEnds = true;
    for (const route of routes) {
      const before = built(route.before ?? [], context);
      const handler = route.handler ? route.handler(context) : methodStep(instance, methodName, route.compact);
      const compiled: CompiledRoute = { steps: [...before, ...steps, handler], phase };
      const table = route.upgrade === true ? tables.upgrades : tables.table;
      for (const url of route.urls.map((own) => routePath(basePath, Class, own))) {
        for (const method of route.methods) {
          if (!table.add(method, url, compiled)) {
            // opscore: a setup warning goes to the app's logger (docs/operations.md).
            app.log.warn(
              { method, url, handler: `${Class.name}.${String(methodName)}` },
              "duplicate route: the first one registered answers",
            );
          }
        }
      }
    }
  }

  const bound: BoundListener[] = [];
  for (const [methodName, events] of listenersOf(Class)) {
    const method = instance[methodName] as AnyStepFunction;
    const listener = (...messages: unknown[]): void => {
      try {
        const result = method.call(instance, emitter, ...messages);
        if (isPromise(result))
          Promise.resolve(result).catch((error) => logListener("%s failed: %O", String(methodName), error));
      } catch (error) {
        logListener("%s failed: %O", String(methodName), error);
      }
    };
    for (const event of events) {
      emitter.on(event, listener);
      bound.push({ event, listener });
    }
  }
  return { listeners: bound, watchesEnds };
}
