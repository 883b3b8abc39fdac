import { IncomingMessage, ServerResponse } from "node:http";
import type { AexRequest } from "../http/request";
import type { AexResponse } from "../http/response";
import { FetchRequest } from "./fetch-request";
import { FetchResponse } from "./fetch-response";

/** The request and response classes `aex.fetch` serves an app with. */
export interface FetchClasses {
  /** The app's request facade class, with the helpers of its `AexRequest`. */
  readonly Request: typeof FetchRequest;
  /** The app's response facade class, with the helpers of its `AexResponse`. */
  readonly Response: typeof FetchResponse;
}

/** The methods and accessors a facade defines itself: the transport's own, never copied over. */
function ownMethods(prototype: object): Set<PropertyKey> {
  const own = new Set<PropertyKey>();
  for (const key of Reflect.ownKeys(prototype)) {
    const descriptor = Object.getOwnPropertyDescriptor(prototype, key)!;
    if (descriptor.get !== undefined || descriptor.set !== undefined || typeof descriptor.value === "function") {
      own.add(key);
    }
  }
  return own;
}

/**
 * Copies what an Aex class adds over node's base class (helpers, the response phase, the
 * app's defaults on its prototype…), from the base-most class to the app's own, onto
 * `target`, except what the facade defines itself: as http2/http2-classes.ts does for HTTP/2,
 * so handlers get the same API from a prototype, with nothing set per request.
 */
function mixin(target: object, Class: Function, base: object, own: ReadonlySet<PropertyKey>): void {
  const chain: object[] = [];
  for (let proto = Class.prototype as object; proto !== base && proto !== null; proto = Object.getPrototypeOf(proto)) {
    chain.push(proto);
  }
  for (const proto of chain.reverse()) {
    for (const key of Reflect.ownKeys(proto)) {
      if (key === "constructor" || own.has(key)) continue;
      Object.defineProperty(target, key, Object.getOwnPropertyDescriptor(proto, key)!);
    }
  }
}

/**
 * The facades of one app, made once it is prepared (its response phase is on its response
 * class's prototype by then, and plugins can no longer add helpers).
 */
export function fetchClasses(Request: typeof AexRequest, Response: typeof AexResponse): FetchClasses {
  class AppFetchRequest extends FetchRequest {}
  mixin(AppFetchRequest.prototype, Request, IncomingMessage.prototype, ownMethods(FetchRequest.prototype));
  class AppFetchResponse extends FetchResponse {}
  mixin(AppFetchResponse.prototype, Response, ServerResponse.prototype, ownMethods(FetchResponse.prototype));
  return { Request: AppFetchRequest, Response: AppFetchResponse };
}
