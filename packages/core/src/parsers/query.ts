import { methodDecorator, type AexMethodDecorator } from "../registry/method-decorator";
import { addStep } from "../registry/registry";
import { schemaDecorator, type SchemaDecorator } from "../schema/schema-decorator";
import type { SchemaOptions } from "../schema/schema-step";
import type { StandardSchemaV1 } from "../schema/standard-schema";
import { readQuery } from "./read-query";

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
export function query<S extends StandardSchemaV1>(
  schema: S,
  options?: SchemaOptions,
): SchemaDecorator<"query", StandardSchemaV1.InferOutput<S>>;
export function query(): AexMethodDecorator;
export function query(schema?: StandardSchemaV1, options?: SchemaOptions): AexMethodDecorator {
  // `@query(schema)`: the query checked by a Standard Schema (schema/).
  if (schema !== undefined)
    return schemaDecorator("query", schema, undefined, options) as unknown as AexMethodDecorator;
  return methodDecorator((holder, key) => {
    addStep(holder, key, {
      name: "query",
      build: () => (req, _res, scope) => {
        readQuery(req, scope);
      },
    });
  });
}
