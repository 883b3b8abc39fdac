import { methodDecorator, type AexMethodDecorator } from "../registry/method-decorator";
import { METHODS } from "node:http";
import { AexError } from "../errors/aex-error";
import { addRoute } from "../registry/registry";
import { normalizePath } from "../router/route-path";
import { ANY_METHOD } from "../router/route-table";
import type { RouteDecorator, Urls } from "./route-decorator";

const KNOWN_METHODS = new Set(METHODS);

function list(value: Urls): readonly string[] {
  return typeof value === "string" ? [value] : value;
}

/**
 * Upper-cases method names. `"*"` means every method. A name node does not know (a typo
 * such as `"gett"`, or a URL given where a method belongs) throws: it would leave a route
 * nothing can reach.
 */
function methodsOf(names: Urls): string[] {
  const methods: string[] = [];
  for (const name of list(names)) {
    if (typeof name !== "string") throw new AexError("AEX_ERR_DECORATOR_ARGS", `method ${String(name)}`);
    const method = name.toUpperCase();
    if (method === ANY_METHOD) return [ANY_METHOD];
    if (KNOWN_METHODS.has(method)) methods.push(method);
    else throw new AexError("AEX_ERR_DECORATOR_ARGS", `unknown HTTP method ${JSON.stringify(name)}`);
  }
  return methods;
}

function urlsOf(urls: Urls): string[] {
  const all = list(urls);
  if (!Array.isArray(all) || all.length === 0) throw new AexError("AEX_ERR_DECORATOR_ARGS", "no URL given");
  return all.map(normalizePath);
}

function route<U extends Urls>(methods: string[], urls: U, compact: boolean): RouteDecorator<U> {
  const normalized = urlsOf(urls);
  const decorate: AexMethodDecorator = methodDecorator((holder, key) => {
    addRoute(holder, key, { methods, urls: normalized, compact });
  });
  return decorate as unknown as RouteDecorator<U>;
}

/**
 * Makes a method an HTTP handler.
 *
 * - `@http(url | urls)`: GET.
 * - `@http(method | methods | "*", url | urls, compact?)`: the given methods
 *   (case-insensitive; a name node does not know throws `AEX_ERR_DECORATOR_ARGS`), `"*"` for all. A URL of `"*"` matches
 *   every path.
 *
 * The handler gets `(req, res, scope)`, or one `{ req, res, scope }` when `compact` is
 * true; `this` is the controller instance.
 *
 * @example
 * class User {
 *   @http("get", ["/profile", "/home"])
 *   profile(req, res, scope) { res.end("profile"); }
 *
 *   @http(["get", "post"], "/user/login", true)
 *   login({ req, res, scope }) { res.end("login"); }
 * }
 */
export function http<const U extends Urls>(url: U): RouteDecorator<U>;
export function http<const U extends Urls>(methods: Urls, url: U, compact?: boolean): RouteDecorator<U>;
export function http<const U extends Urls>(url: U, compact: boolean): RouteDecorator<U>;
export function http(methodsOrUrl: Urls, url?: Urls | boolean, compact = false): RouteDecorator<Urls> {
  if (url === undefined || typeof url === "boolean") return route(["GET"], methodsOrUrl, url === true);
  return route(methodsOf(methodsOrUrl), url, compact);
}

/**
 * `@http` in compact mode: the handler gets one `{ req, res, scope }` argument.
 * `@compact(url)` is GET; `@compact(methods, url)` as `@http`.
 *
 * @example
 * class Hello {
 *   @compact("/")
 *   hello({ res }) { res.end("Hello"); }
 * }
 */
export function compact<const U extends Urls>(url: U): RouteDecorator<U>;
export function compact<const U extends Urls>(methods: Urls, url: U): RouteDecorator<U>;
export function compact(methodsOrUrl: Urls, url?: Urls): RouteDecorator<Urls> {
  return url === undefined ? route(["GET"], methodsOrUrl, true) : route(methodsOf(methodsOrUrl), url, true);
}

function shortcut(method: string) {
  return <const U extends Urls>(url: U, compact = false): RouteDecorator<U> => route([method], url, compact);
}

/**
 * A GET handler: `@get(url | urls, compact?)`.
 *
 * @example
 * class User {
 *   @get(["/user/get", "/user/gets"])
 *   rawget(req, res) { res.end("got"); }
 * }
 */
export const get = shortcut("GET");

/**
 * A POST handler: `@post(url | urls, compact?)`.
 *
 * @example
 * class User {
 *   @post("/user/post")
 *   rawpost(req, res) { res.end("posted"); }
 * }
 */
export const post = shortcut("POST");

/** A PUT handler: `@put(url | urls, compact?)`. @example `@put("/users/:id")` */
export const put = shortcut("PUT");

/** A PATCH handler: `@patch(url | urls, compact?)`. @example `@patch("/users/:id")` */
export const patch = shortcut("PATCH");

/** A DELETE handler: `@del(url | urls, compact?)` (`delete` is a reserved word). @example `@del("/users/:id")` */
export const del = shortcut("DELETE");
