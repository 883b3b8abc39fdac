import { HttpError } from "../errors/http-error";
import type { RouteParams } from "../http/request";
import type { RouteEntry } from "./route-table";

/** Default for the longest `:param` value accepted, in characters. */
export const DEFAULT_MAX_PARAM_LENGTH = 500;

/**
 * Builds the params object of a match: values percent-decoded, each `:param` at most
 * `maxLength` characters (a longer one is a 414), a malformed escape a 400.
 */
export function routeParams<T>(
  entry: RouteEntry<T>,
  values: readonly string[],
  maxLength = DEFAULT_MAX_PARAM_LENGTH,
): RouteParams {
  const params: RouteParams = {};
  const names = entry.paramNames;
  const last = names.length - 1;
  for (let i = 0; i <= last; i++) {
    let value = values[i];
    if (value.length > maxLength && !(entry.wildcard && i === last)) {
      throw new HttpError(414, `Route parameter "${names[i]}" is longer than ${maxLength} characters`, {
        code: "AEX_PARAM_TOO_LONG",
      });
    }
    if (value.indexOf("%") !== -1) {
      try {
        value = decodeURIComponent(value);
      } catch (cause) {
        throw new HttpError(400, `Route parameter "${names[i]}" is not a valid percent-encoded string`, {
          code: "AEX_PARAM_MALFORMED",
          cause,
        });
      }
    }
    params[names[i]] = value;
  }
  return params;
}
