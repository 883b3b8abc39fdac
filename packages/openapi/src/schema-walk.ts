import type { JsonSchema } from "./rules-to-json-schema";

/** Keywords whose value is one subschema. */
const ONE = [
  "items",
  "additionalProperties",
  "not",
  "if",
  "then",
  "else",
  "contains",
  "propertyNames",
  "unevaluatedItems",
  "unevaluatedProperties",
  "additionalItems",
];
/** Keywords whose value is a list of subschemas. */
const LIST = ["allOf", "anyOf", "oneOf", "prefixItems"];
/** Keywords whose value maps names to subschemas (`$defs` is taken apart before a walk). */
const MAP = ["properties", "patternProperties", "dependentSchemas"];

const isObject = (value: unknown): value is JsonSchema =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * A copy of `schema` whose subschemas went through `visit` bottom-up (children first), so
 * `visit` sees each subschema with its own subschemas already replaced. Only schema positions
 * are walked: a property named `title`, or an object in `default` or `enum`, is data.
 */
export function mapSubschemas(schema: JsonSchema, visit: (node: JsonSchema, root: boolean) => JsonSchema): JsonSchema {
  const walk = (node: JsonSchema, root: boolean): JsonSchema => {
    const copy: JsonSchema = { ...node };
    for (const key of ONE) if (isObject(copy[key])) copy[key] = walk(copy[key] as JsonSchema, false);
    for (const key of LIST) {
      if (Array.isArray(copy[key])) copy[key] = (copy[key] as unknown[]).map((s) => (isObject(s) ? walk(s, false) : s));
    }
    for (const key of MAP) {
      if (!isObject(copy[key])) continue;
      copy[key] = Object.fromEntries(
        Object.entries(copy[key] as JsonSchema).map(([name, s]) => [name, isObject(s) ? walk(s, false) : s]),
      );
    }
    return visit(copy, root);
  };
  return walk(schema, true);
}

/** Every `$ref` string in a value (a document, a schema), in order. */
export function refsIn(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) for (const item of value) refsIn(item, out);
  else if (isObject(value)) {
    for (const [key, item] of Object.entries(value)) {
      if (key === "$ref" && typeof item === "string") out.push(item);
      else refsIn(item, out);
    }
  }
  return out;
}

/** `value` as JSON with object keys sorted: equal schemas give equal keys, whatever their key order. */
export function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (isObject(value)) {
    const keys = Object.keys(value).sort();
    return `{${keys.map((key) => `${JSON.stringify(key)}:${canonical(value[key])}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

/** The local definitions of a schema (`$defs`, and draft-07's `definitions`), by the pointer that names each. */
export function localDefinitions(schema: JsonSchema): Map<string, [string, JsonSchema]> {
  const out = new Map<string, [string, JsonSchema]>();
  for (const holder of ["$defs", "definitions"]) {
    const defs = schema[holder];
    if (!isObject(defs)) continue;
    for (const [name, def] of Object.entries(defs)) if (isObject(def)) out.set(`#/${holder}/${name}`, [name, def]);
  }
  return out;
}

/**
 * `schema` with its local `$ref`s (`#/$defs/X`) replaced by what they point to, for places
 * that take no reference of the document's (a parameter's schema); a recursive one becomes `{}`.
 */
export function inlineLocalRefs(schema: JsonSchema, defs: Map<string, [string, JsonSchema]>): JsonSchema {
  const inline = (node: JsonSchema, seen: readonly string[]): JsonSchema =>
    mapSubschemas(node, (sub) => {
      const ref = sub.$ref;
      if (typeof ref !== "string" || !defs.has(ref)) return sub;
      if (seen.includes(ref)) return {};
      const { $ref: _ref, ...rest } = sub;
      return { ...inline(defs.get(ref)![1], [...seen, ref]), ...rest };
    });
  return inline(schema, []);
}

/** Where a subschema sits: how to name it (`["author"]`, `["items"]`) and how to replace it. */
export interface SubschemaPlace {
  /** The keywords and property names from the root to it. */
  readonly path: readonly string[];
  /** Puts `value` in its place. */
  readonly replace: (value: JsonSchema) => void;
}

/** Visits every subschema of `root` below it, parents before their children (in schema positions only, as {@link mapSubschemas}). */
export function forEachSubschema(root: JsonSchema, visit: (node: JsonSchema, place: SubschemaPlace) => void): void {
  const walk = (node: JsonSchema, path: readonly string[]) => {
    const enter = (child: unknown, at: readonly string[], replace: (value: JsonSchema) => void) => {
      if (!isObject(child)) return;
      visit(child, { path: at, replace });
      walk(child, at);
    };
    for (const key of ONE) enter(node[key], [...path, key], (value) => (node[key] = value));
    for (const key of LIST) {
      const list = node[key];
      if (!Array.isArray(list)) continue;
      list.forEach((child, i) => enter(child, [...path, `${key}${i + 1}`], (value) => (list[i] = value)));
    }
    for (const key of MAP) {
      const map = node[key];
      if (!isObject(map)) continue;
      for (const name of Object.keys(map)) enter(map[name], [...path, name], (value) => (map[name] = value));
    }
  };
  walk(root, []);
}

/** {@link canonical}, remembering each object's key: for many lookups over objects that do not change meanwhile. */
export function canonicalCache(): (value: unknown) => string {
  const cache = new WeakMap<object, string>();
  const key = (value: unknown): string => {
    if (typeof value !== "object" || value === null) return JSON.stringify(value) ?? "null";
    const known = cache.get(value);
    if (known !== undefined) return known;
    const out = Array.isArray(value)
      ? `[${value.map(key).join(",")}]`
      : `{${Object.keys(value)
          .sort()
          .map((k) => `${JSON.stringify(k)}:${key((value as JsonSchema)[k])}`)
          .join(",")}}`;
    cache.set(value, out);
    return out;
  };
  return key;
}
