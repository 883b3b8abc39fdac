import type { StepDefinition } from "../registry/definitions";
import { routesOf, stepsOf } from "../registry/registry";
import type { Constructor } from "./compile-controller";
import { routePath } from "../decorators/controller";

/** One route of an app, as `aex.routes()` lists it. */
export interface RouteInfo {
  /** Upper-case method, or `"*"` for all. */
  readonly method: string;
  /** The URL pattern, e.g. `/notes/:id`. */
  readonly path: string;
  /** The controller class's name. */
  readonly controller: string;
  /** The controller class. */
  readonly Class: Constructor;
  /** The decorated method's name. */
  readonly handler: string;
  /** The names of the steps before the handler, in running order. */
  readonly steps: readonly string[];
  /** Those steps' definitions (read-only; OpenAPI reads their rules and schemas). */
  readonly definitions: readonly StepDefinition[];
  /** The media type of a successful answer when the route says (`@sse`: `text/event-stream`). */
  readonly produces?: string;
  /**
   * The status the route's checks answer invalid data with: the app's `validationStatus`
   * (400 unless set), unless a check was given its own (its definition says).
   */
  readonly validationStatus: number;
  /** Answers the route's own handler may give besides success, by status (`@serve`: 404), for OpenAPI. */
  readonly responses?: Readonly<Record<string, string>>;
  /** An upgrade route (`@ws`): served on the server's `upgrade` event (AsyncAPI reads it). */
  readonly upgrade?: true;
}

/**
 * The routes of the pushed classes, in push order, with their full paths (the app's
 * `basePath`, each class's `@controller` prefix): what `aex.routes()` answers. Read from the
 * registry, so it works before and after `prepare()`.
 */
export function listRoutes(classes: Iterable<Constructor>, basePath = "", validationStatus = 400): RouteInfo[] {
  const out: RouteInfo[] = [];
  for (const Class of classes) {
    for (const [key, routes] of routesOf(Class)) {
      const own = stepsOf(Class, key);
      for (const route of routes) {
        const definitions = Object.freeze([...(route.before ?? []), ...own]);
        const steps = Object.freeze(definitions.map((d) => d.name));
        for (const url of route.urls) {
          const path = routePath(basePath, Class, url);
          for (const method of route.methods) {
            const info: RouteInfo = {
              method,
              path,
              controller: Class.name,
              Class,
              handler: String(key),
              steps,
              definitions,
              validationStatus,
            };
            out.push({
              ...info,
              ...(route.produces === undefined ? {} : { produces: route.produces }),
              ...(route.responses === undefined ? {} : { responses: route.responses }),
              ...(route.upgrade === true ? { upgrade: true as const } : {}),
            });
          }
        }
      }
    }
  }
  return out;
}
