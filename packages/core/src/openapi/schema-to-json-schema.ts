import type { StandardSchemaV1 } from "../schema/standard-schema";
import type { JsonSchema } from "./rules-to-json-schema";

/** Turns a library's schema into JSON Schema, e.g. zod's `z.toJSONSchema` or valibot's `toJsonSchema`. */
export type ToJsonSchema = (schema: StandardSchemaV1) => JsonSchema;

interface StandardJsonSchemaProps {
  jsonSchema?: { input?: (options: { target: string }) => JsonSchema };
}

/**
 * The JSON Schema of a Standard Schema's input: from `convert` if given, else from the
 * Standard JSON Schema interface (`~standard.jsonSchema`, zod ≥ 4.2 and ArkType have it),
 * else `{}` (any value) so the document stays valid.
 */
export function schemaToJsonSchema(schema: StandardSchemaV1, convert?: ToJsonSchema): JsonSchema {
  let out: JsonSchema | undefined;
  try {
    if (convert !== undefined) out = convert(schema);
    else out = (schema["~standard"] as StandardJsonSchemaProps).jsonSchema?.input?.({ target: "draft-2020-12" });
  } catch {
    out = undefined;
  }
  if (out === undefined) return {};
  // OpenAPI 3.1 documents are 2020-12 already; a nested $schema is noise.
  const { $schema: _dialect, ...rest } = out;
  return rest;
}
