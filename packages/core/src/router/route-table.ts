import { RadixNode } from "./radix-node";
import { tokenize } from "./route-path";

/** What a table stores for one method + pattern. */
export interface RouteEntry<T> {
  /** What the route was added with (its compiled line, for the app's tables). */
  readonly value: T;
  /** Parameter names, in the order their values are found. */
  readonly paramNames: readonly string[];
  /** Whether the last parameter is a `*` wildcard (exempt from the length limit). */
  readonly wildcard: boolean;
  /** The pattern the route was added with (`/notes/:id`). */
  readonly pattern: string;
}

/** The pseudo-method of routes that answer every method. */
export const ANY_METHOD = "*";

interface MethodRoutes<T> {
  /** Patterns without parameters, looked up whole: the common case in one Map read. */
  readonly statics: Map<string, RouteEntry<T>>;
  readonly tree: RadixNode<RouteEntry<T>>;
}

/**
 * Routes by method, each method a radix tree. Lookup walks the path once, so its cost
 * grows with the path's length, not the number of routes. A method's own routes beat
 * routes for every method; a HEAD request falls back to GET.
 */
export class RouteTable<T> {
  private readonly methods = new Map<string, MethodRoutes<T>>();
  /** The methods' routes side by side, `"*"` left out, for {@link RouteTable.methodsAt}. */
  private readonly byMethod: [string, MethodRoutes<T>][] = [];
  /** Parameter values `methodsAt` finds and drops (it runs synchronously, so one array serves). */
  private readonly scratch: string[] = [];
  private size = 0;

  /** Number of method + pattern pairs added. */
  get count(): number {
    return this.size;
  }

  /**
   * Adds a route; returns `false` (adding nothing) if the method already has that
   * pattern, so the first registration wins.
   */
  add(method: string, pattern: string, value: T): boolean {
    const tokens = tokenize(pattern);
    let routes = this.methods.get(method);
    if (routes === undefined) {
      routes = { statics: new Map(), tree: new RadixNode("") };
      this.methods.set(method, routes);
      if (method !== ANY_METHOD) this.byMethod.push([method, routes]);
    }
    const paramNames: string[] = [];
    let node = routes.tree;
    let isStatic = true;
    let path = "";
    for (const token of tokens) {
      if (token.kind === "static") {
        node = node.insertStatic(token.text);
        path += token.text;
      } else if (token.kind === "param") {
        isStatic = false;
        paramNames.push(token.name);
        node = node.param ??= new RadixNode("");
      } else {
        // A wildcard is always last (tokenize checks), so the route ends here.
        paramNames.push(token.name);
        if (node.wildcard !== null) return false;
        node.wildcard = { value, paramNames, wildcard: true, pattern };
        this.size++;
        return true;
      }
    }
    if (node.value !== null) return false;
    const entry = { value, paramNames, wildcard: false, pattern };
    node.value = entry;
    if (isStatic) routes.statics.set(path || "/", entry);
    this.size++;
    return true;
  }

  /**
   * Finds the route for `method` and `path` (no query string). Parameter values, still
   * percent-encoded, are pushed onto `values` in the order of `entry.paramNames`.
   *
   * This is the hot path -- change with care!
   */
  find(method: string, path: string, values: string[]): RouteEntry<T> | null {
    // "/users/" is "/users"; the root stays "/".
    if (path.length > 1 && path.charCodeAt(path.length - 1) === 47 /* / */) path = path.slice(0, -1);
    return (
      this.findIn(this.methods.get(method), path, values) ??
      (method === "HEAD" ? this.findIn(this.methods.get("GET"), path, values) : null) ??
      this.findIn(this.methods.get(ANY_METHOD), path, values)
    );
  }

  /**
   * The methods (not `"*"`) that have a route for `path`, other than `missed` (the
   * request's own method, which found none; GET too for a HEAD), pushed onto `found`,
   * made on the first one. Only a request no route answered asks this (a 405's `Allow`):
   * one walk of the path per method, never a scan of the routes, and no allocation when
   * the path has no routes.
   */
  methodsAt(path: string, missed: string, found: string[] | null): string[] | null {
    if (path.length > 1 && path.charCodeAt(path.length - 1) === 47 /* / */) path = path.slice(0, -1);
    // `*` (the target of `OPTIONS *`) asks about the server as a whole: every method routed anywhere.
    const anywhere = path === "*";
    for (const [method, routes] of this.byMethod) {
      if (method === missed || (method === "GET" && missed === "HEAD")) continue;
      if (anywhere || this.findIn(routes, path, this.scratch) !== null) (found ??= []).push(method);
    }
    return found;
  }

  private findIn(routes: MethodRoutes<T> | undefined, path: string, values: string[]): RouteEntry<T> | null {
    if (routes === undefined) return null;
    const hit = routes.statics.get(path);
    if (hit !== undefined) return hit;
    if (path.charCodeAt(0) !== 47 /* / */) return null;
    values.length = 0;
    return routes.tree.find(path, 0, values);
  }
}
