import type { FilterRule, FilterRules } from "@aex/core";

/** A JSON Schema (2020-12, as OpenAPI 3.1 uses it). */
export type JsonSchema = Record<string, unknown>;

const FORMATS: Partial<Record<string, JsonSchema>> = {
  email: { type: "string", format: "email" },
  url: { type: "string", format: "uri" },
  fqdn: { type: "string", format: "hostname" },
  ip: { type: "string", anyOf: [{ format: "ipv4" }, { format: "ipv6" }] },
  uuid: { type: "string", format: "uuid" },
  date: { type: "string", format: "date-time" },
  time: { type: "string", pattern: "^(?:[01]\\d|2[0-3]):[0-5]\\d(?::[0-5]\\d)?$|^24:00(?::00)?$" },
  hexcolor: { type: "string", pattern: "^#?(?:[0-9a-fA-F]{3,4}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})$" },
  hexadecimal: { type: "string", pattern: "^(?:0[xXhH])?[0-9a-fA-F]+$" },
  base64: { type: "string", contentEncoding: "base64" },
  json: { type: "string", contentMediaType: "application/json" },
  int: { type: "integer" },
  float: { type: "number" },
  numeric: { type: "number" },
  bool: { type: "boolean" },
  boolean: { type: "boolean" },
};

/** One `@filter` rule as JSON Schema: the type, its format and its limits. */
export function ruleToJsonSchema(rule: FilterRule): JsonSchema {
  const type = rule.type;
  const schema: JsonSchema =
    type === undefined
      ? {}
      : type === "enum"
        ? { enum: [...(rule.enums ?? [])] }
        : type === "regex"
          ? { type: "string", pattern: rule.regex?.source }
          : type === "array"
            ? { type: "array", ...(rule.items ? { items: ruleToJsonSchema(rule.items) } : {}) }
            : type === "object"
              ? rule.validate
                ? rulesToJsonSchema(rule.validate)
                : { type: "object" }
              : { ...(FORMATS[type] ?? { type: "string" }), ...(type === "string" ? { maxLength: 255 } : {}) };
  if (rule.minLength !== undefined) schema.minLength = rule.minLength;
  if (rule.maxLength !== undefined) schema.maxLength = rule.maxLength;
  if (rule.min !== undefined) schema.minimum = rule.min;
  if (rule.max !== undefined) schema.maximum = rule.max;
  if (rule.minItems !== undefined) schema.minItems = rule.minItems;
  if (rule.maxItems !== undefined) schema.maxItems = rule.maxItems;
  if (type !== undefined) schema["x-aex-rule"] = type;
  return schema;
}

/**
 * A `@filter` rule set as an object JSON Schema.
 *
 * @example
 * rulesToJsonSchema({ page: { type: "int", min: 1 } });
 * // { type: "object", properties: { page: { type: "integer", minimum: 1, "x-aex-rule": "int" } } }
 */
export function rulesToJsonSchema(rules: FilterRules): JsonSchema {
  const properties: Record<string, JsonSchema> = {};
  const required: string[] = [];
  for (const [name, rule] of Object.entries(rules)) {
    properties[name] = ruleToJsonSchema(rule);
    if (rule.required === true) required.push(name);
  }
  return { type: "object", properties, ...(required.length > 0 ? { required } : {}) };
}
