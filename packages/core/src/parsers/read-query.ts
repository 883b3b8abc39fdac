import { parse } from "node:querystring";
import { HttpError } from "../errors/http-error";
import type { AexRequest, QueryValues } from "../http/request";
import type { Scope } from "../scope/scope";
import { stripFlatPrototypeKey } from "./prototype-keys";
/** Whether `search` has more than `max` `&`-separated pairs (counted before parsing anything). */
function pairsOver(search: string, max: number): boolean {
  let pairs = 1;
  for (let i = search.indexOf("&"); i !== -1; i = search.indexOf("&", i + 1)) if (++pairs > max) return true;
  return false;
}

/**
 * The request's query string, parsed once per request: a null-prototype object, a
 * repeated key giving an array, `__proto__` keys dropped however they are percent-encoded
 * (`stripPrototypeKeys`'s rule). More than `limits.queryParameters` pairs (default 1 000)
 * is a 414 `AEX_QUERY_TOO_LARGE`; node's `querystring` would drop the rest unseen.
 */
export function readQuery(req: AexRequest, scope: Scope): QueryValues {
  if (req.query !== undefined) return req.query;
  const url = req.url ?? "";
  const q = url.indexOf("?");
  let query: QueryValues;
  if (q === -1) query = Object.create(null) as QueryValues;
  else {
    const search = url.slice(q + 1);
    const max = req.bodyLimits.queryParameters;
    if (pairsOver(search, max)) {
      throw new HttpError(414, `The query string has more than ${max} parameters`, { code: "AEX_QUERY_TOO_LARGE" });
    }
    query = stripFlatPrototypeKey(parse(search, "&", "=", { maxKeys: 0 }) as QueryValues);
  }
  req.query = query;
  scope.provide("query", query);
  return query;
}
