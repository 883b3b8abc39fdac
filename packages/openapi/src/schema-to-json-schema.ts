import type { StandardSchemaV1 } from "@aex/core";
import type { JsonSchema } from "./rules-to-json-schema";

/** Turns a library's schema into JSON Schema, e.g. zod's `z.toJSONSchema` or valibot's `toJsonSchema`. */
export type ToJsonSchema = (schema: StandardSchemaV1) => JsonSchema;

/** Which side of a schema: what it accepts (requests) or what it produces (responses). */
export type SchemaSide = "input" | "output";

/** The dialects the Standard JSON Schema interface names. */
export type JsonSchemaTarget = "draft-2020-12" | "draft-07";

type Convert = (options: { target: string }) => JsonSchema;

interface StandardJsonSchemaProps {
  jsonSchema?: { input?: Convert; output?: Convert };
}

/**
 * The JSON Schema of a Standard Schema's input (or output): from `convert` if given, else
 * from the Standard JSON Schema interface (`~standard.jsonSchema`, zod ≥ 4.2 and ArkType
 * have it). Undefined when neither can say (a library without the interface, or a type
 * JSON Schema cannot describe, such as a `Date`). `target` asks for a dialect: @aex/asyncapi
 * asks for draft-07, the base of AsyncAPI's Schema Object.
 *
 * @example
 * knownJsonSchema(z.object({ n: z.number() }), undefined, "input", "draft-07");
 * // { type: "object", properties: { n: { type: "number" } }, required: ["n"] }
 */
export function knownJsonSchema(
  schema: StandardSchemaV1,
  convert?: ToJsonSchema,
  side: SchemaSide = "input",
  target: JsonSchemaTarget = "draft-2020-12",
): JsonSchema | undefined {
  let out: JsonSchema | undefined;
  try {
    if (convert !== undefined) out = convert(schema);
    else out = (schema["~standard"] as StandardJsonSchemaProps).jsonSchema?.[side]?.({ target });
  } catch {
    out = undefined;
  }
  if (out === undefined) return undefined;
  // OpenAPI 3.1 documents are 2020-12 already, and fast-json-stringify reads no $schema: noise.
  const { $schema: _dialect, ...rest } = out;
  return rest;
}

/**
 * The JSON Schema of a Standard Schema's input (or output), as `knownJsonSchema` reads it,
 * or `{}` (any value) when none is known, so the document stays valid.
 */
export function schemaToJsonSchema(
  schema: StandardSchemaV1,
  convert?: ToJsonSchema,
  side: SchemaSide = "input",
): JsonSchema {
  return knownJsonSchema(schema, convert, side) ?? {};
}
