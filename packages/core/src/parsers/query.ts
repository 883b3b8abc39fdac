import { methodDecorator, type AexMethodDecorator } from "../registry/method-decorator";
import { parse } from "node:querystring";
import type { AexRequest, QueryValues } from "../http/request";
import { addStep } from "../registry/registry";
import type { Scope } from "../scope/scope";

/**
 * The request's query string, parsed once per request: a null-prototype object (so no
 * key can reach `Object.prototype`), a repeated key giving an array.
 */
export function readQuery(req: AexRequest, scope: Scope): QueryValues {
  if (req.query !== undefined) return req.query;
  const url = req.url ?? "";
  const q = url.indexOf("?");
  const query = (q === -1 ? Object.create(null) : parse(url.slice(q + 1))) as QueryValues;
  req.query = query;
  scope.provide("query", query);
  return query;
}

/**
 * Parses the query string into `scope.query` (and `req.query`).
 *
 * @example
 * class Query {
 *   @http("get", "/profile/:id")
 *   @query()
 *   async id(req, res, scope) { res.end(String(scope.query.page)); }
 * }
 */
export function query(): AexMethodDecorator {
  return methodDecorator((holder, key) => {
    addStep(holder, key, {
      name: "query",
      build: () => (req, _res, scope) => {
        readQuery(req, scope);
      },
    });
  });
}
