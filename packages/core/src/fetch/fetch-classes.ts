import { IncomingMessage, ServerResponse } from "node:http";
import type { AexRequest } from "../http/request";
import type { AexResponse } from "../http/response";
import { FetchRequest } from "./fetch-request";
import { FetchResponse } from "./fetch-response";
import { copyHelpers } from "../helpers/copy-helpers";

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
 * The facades of one app, made once it is prepared (its response phase is on its response
 * class's prototype by then, and plugins can no longer add helpers).
 */
export function fetchClasses(Request: typeof AexRequest, Response: typeof AexResponse): FetchClasses {
  class AppFetchRequest extends FetchRequest {}
  copyHelpers(AppFetchRequest.prototype, Request, IncomingMessage.prototype, ownMethods(FetchRequest.prototype));
  class AppFetchResponse extends FetchResponse {}
  copyHelpers(AppFetchResponse.prototype, Response, ServerResponse.prototype, ownMethods(FetchResponse.prototype));
  return { Request: AppFetchRequest, Response: AppFetchResponse };
}
