import { methodDecorator, type AexMethodDecorator } from "../registry/method-decorator";
import { parse } from "node:querystring";
import type { AexRequest, QueryValues } from "../http/request";
import { addStep } from "../registry/registry";
import type { Scope } from "../scope/scope";
import { schemaDecorator, type SchemaDecorator } from "../schema/schema-decorator";
import type { StandardSchemaV1 } from "../schema/standard-schema";

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
export function query<S extends StandardSchemaV1>(schema: S): SchemaDecorator<"query", StandardSchemaV1.InferOutput<S>>;
export function query(): AexMethodDecorator;
export function query(schema?: StandardSchemaV1): AexMethodDecorator {
  // `@query(schema)`: the query checked by a Standard Schema (schema/).
  if (schema !== undefined) return schemaDecorator("query", schema) as unknown as AexMethodDecorator;
  return methodDecorator((holder, key) => {
    addStep(holder, key, {
      name: "query",
      build: () => (req, _res, scope) => {
        readQuery(req, scope);
      },
    });
  });
}
