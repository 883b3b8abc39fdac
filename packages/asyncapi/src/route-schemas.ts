import type { FilterOptions, FilterRules, StandardSchemaV1 } from "@aex/core";
import { isStandardSchema, type StepDefinition } from "@aex/core/plugin";
import { knownJsonSchema, rulesToJsonSchema, type JsonSchema, type SchemaSide, type ToJsonSchema } from "@aex/openapi";

/**
 * A Standard Schema as AsyncAPI's Schema Object takes it (JSON Schema draft-07 and a few
 * fields more): the library's draft-07 JSON Schema, `{}` (any value) when none is known.
 */
export function draft07(schema: StandardSchemaV1, convert: ToJsonSchema | undefined, side: SchemaSide): JsonSchema {
  return knownJsonSchema(schema, convert, side, "draft-07") ?? {};
}

/** A message's data schema: a Standard Schema by its JSON Schema, a JSON Schema as it is. */
export function dataSchema(
  schema: StandardSchemaV1 | JsonSchema,
  convert: ToJsonSchema | undefined,
  side: SchemaSide,
): JsonSchema {
  return isStandardSchema(schema) ? draft07(schema, convert, side) : schema;
}

/**
 * The JSON Schema the upgrade or stream request's query and path parameters are checked
 * with: from `@filter({ query, params })` rules or schemas and `@query(schema)`,
 * `@params(schema)`, as @aex/openapi reads them for HTTP routes.
 */
export function requestSchemas(
  definitions: readonly StepDefinition[],
  convert: ToJsonSchema | undefined,
): { query?: JsonSchema; params?: JsonSchema } {
  const out: { query?: JsonSchema; params?: JsonSchema } = {};
  const toSchema = (check: unknown): JsonSchema =>
    isStandardSchema(check) ? draft07(check, convert, "input") : rulesToJsonSchema(check as FilterRules);
  for (const definition of definitions) {
    const { filter, schema } = definition as StepDefinition & {
      filter?: FilterOptions;
      schema?: { source: string; schema: StandardSchemaV1 };
    };
    for (const source of ["query", "params"] as const) {
      if (filter?.[source] !== undefined) out[source] = toSchema(filter[source]);
      if (schema?.source === source) out[source] = draft07(schema.schema, convert, "input");
    }
  }
  return out;
}
