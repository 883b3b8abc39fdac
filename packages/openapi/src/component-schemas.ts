import type { StandardSchemaV1 } from "@aex/core";
import { pascalCase } from "./operation-ids";
import type { JsonSchema } from "./rules-to-json-schema";
import type { SchemaSide } from "./schema-to-json-schema";
import { canonical, canonicalCache, forEachSubschema, localDefinitions, mapSubschemas, refsIn } from "./schema-walk";

/** A schema as a route gives it: a Standard Schema (zod…) or a JSON Schema. */
export type GivenSchema = StandardSchemaV1 | JsonSchema;

/** Turns a given schema into JSON Schema for one side (requests read the input, responses the output). */
export type ToJson = (schema: GivenSchema, side: SchemaSide) => JsonSchema;

/** A place in the document that holds a body's schema, filled in by {@link SchemaComponents.finish}. */
interface Slot {
  readonly target: JsonSchema;
  readonly json: JsonSchema;
  readonly given: unknown;
  readonly side: SchemaSide;
  readonly hint: string;
}

const PREFIX = "#/components/schemas/";
/** Where a schema that points into itself (`$ref: "#"`) is put while it becomes a component. */
const ROOT = "#/$defs/__root";
const NAME = /^[A-Za-z0-9._-]+$/;
const ref = (name: string): JsonSchema => ({ $ref: `${PREFIX}${name}` });

/** A name for `components.schemas`: a valid one as it is, anything else in PascalCase. */
const componentName = (raw: string): string => (NAME.test(raw) ? raw : pascalCase(raw));

/** The last segment of a `$id` URI, without its extension: `https://x.org/schemas/note.json` → `note`. */
const idName = (id: string): string =>
  id
    .replace(/[#?].*$/, "")
    .replace(/\/+$/, "")
    .split("/")
    .pop()!
    .replace(/\.json$/, "");

/** Bodies worth a component when two operations share them: objects and unions, not `{ type: "string" }`. */
const composite = (schema: JsonSchema): boolean =>
  ["properties", "allOf", "anyOf", "oneOf"].some((key) => schema[key] !== undefined);

/**
 * The document's `components.schemas`, and the bodies that point there. A body schema goes in
 * (`slot`) when an operation is written; at the end (`finish`) each is written once:
 *
 * - a schema given in the `schemas` option is `$ref`'d by that name wherever it is used, as a
 *   body or (equal to it) inside one;
 * - a schema that names itself is a component of that name: a zod schema's `id`
 *   (`.meta({ id })`, which zod writes as a `$defs` entry), a JSON Schema's `$id` (its last
 *   segment) or `title` (in PascalCase);
 * - an object schema written in two places or more (equal JSON), as a body or inside one, is
 *   a component named after the first body it is (`<OperationId>Request`,
 *   `<OperationId>Response`), else after its first place (`<OperationId>ResponseAuthor`);
 * - a name taken by another schema is numbered (`Note2`), except that the input side of a
 *   schema whose output took the name first is `<Name>Input` (zod writes
 *   `additionalProperties: false` only for outputs, so most differ).
 *
 * Outputs are named before inputs, and both in document order, so the names are stable.
 */
export class SchemaComponents {
  private readonly components = new Map<string, { schema: JsonSchema; key: string }>();
  private readonly slots: Slot[] = [];
  /** The `schemas` option's names, by the object given and by side. */
  private readonly givenNames = new Map<unknown, Partial<Record<SchemaSide, string>>>();
  /** The `schemas` option's JSON, by canonical JSON and side: equal subschemas point there. */
  private readonly equalNames = new Map<string, string>();

  constructor(
    private readonly toJson: ToJson,
    private readonly named: Readonly<Record<string, GivenSchema>> = {},
    reserved: Readonly<Record<string, JsonSchema>> = {},
  ) {
    for (const [name, schema] of Object.entries(reserved))
      this.components.set(name, { schema, key: canonical(schema) });
  }

  /**
   * The schema object to put in the document for a body: a placeholder that {@link finish}
   * fills with a `$ref` or the schema itself. `given` is what the route gave (found by
   * identity in the `schemas` option); `hint` names a shared body.
   */
  slot(json: JsonSchema, given: unknown, side: SchemaSide, hint: string): JsonSchema {
    const target: JsonSchema = {};
    this.slots.push({ target, json, given, side, hint });
    return target;
  }

  /** Fills every slot; returns `components.schemas`, reachable ones only, for a document whose `paths` are given. */
  finish(paths: unknown): Record<string, JsonSchema> {
    for (const side of ["output", "input"] as const) {
      const given = Object.entries(this.named).map(
        ([name, schema]) => [name, schema, this.toJson(schema, side)] as const,
      );
      // Each one's JSON with the others inside it already `$ref`'d: a few rounds, as they may nest.
      const keys = new Map<string, string>();
      let jsons: JsonSchema[] = [];
      for (let round = 0; round < 3; round++) {
        jsons = given.map(([name, , json]) => this.normalize(json, side, name, true));
        for (const key of keys.keys()) this.equalNames.delete(key);
        keys.clear();
        jsons.forEach((json, i) => keys.set(`${side}\0${canonical(json)}`, given[i][0]));
        for (const [key, name] of keys) this.equalNames.set(key, name);
      }
      given.forEach(([name, schema], i) => {
        const claimed = this.claim(name, jsons[i], side);
        this.givenNames.set(schema, { ...this.givenNames.get(schema), [side]: claimed });
        for (const [key, wanted] of keys) if (wanted === name) this.equalNames.set(key, claimed);
      });
    }
    const results = new Map<Slot, JsonSchema>();
    for (const side of ["output", "input"] as const) {
      for (const slot of this.slots) {
        if (slot.side !== side) continue;
        const name = this.givenNames.get(slot.given)?.[side];
        results.set(slot, name === undefined ? this.normalize(slot.json, side, slot.hint, false) : ref(name));
      }
    }
    this.shareRepeated(results);
    for (const slot of this.slots) Object.assign(slot.target, results.get(slot));
    return this.reachable(paths);
  }

  /**
   * `json` ready for the document: its local definitions become components (their `$ref`s
   * rewritten), and each subschema that names itself or equals a `schemas` option's is a
   * `$ref`. `name` names the root when it refers to itself; `own`: the root is a component
   * being defined, so its own title does not make it one again.
   */
  private normalize(json: JsonSchema, side: SchemaSide, name: string, own: boolean): JsonSchema {
    const { $schema: _dialect, $defs: _defs, definitions: _definitions, ...root } = json;
    const defs = localDefinitions(json);
    // A root that points into itself (`$ref: "#"`, a recursive schema) becomes a definition too.
    const selfRefs = refsIn(root).filter(
      (r) => r === "#" || (r.startsWith("#/") && !r.startsWith("#/$defs/") && !r.startsWith("#/definitions/")),
    );
    let body = root;
    if (selfRefs.length > 0 && !own) {
      defs.set(ROOT, [typeof root.title === "string" ? pascalCase(root.title) : name, root]);
      body = { $ref: ROOT };
    }
    const entries = [...defs.entries()];
    // The names of the definitions: the ones they ask for, changed where another schema has it;
    // their content depends on the names (the $refs between them), so until they settle.
    let names = entries.map(([, [wanted]]) => componentName(wanted));
    let contents: JsonSchema[] = [];
    const pointersOf = (): Map<string, string> => {
      const pointers = new Map(entries.map(([pointer], i) => [pointer, names[i]]));
      // A component being defined that points into itself points at its own name.
      if (own && selfRefs.length > 0) pointers.set(ROOT, name);
      return pointers;
    };
    for (let pass = 0; pass < 8; pass++) {
      const pointers = pointersOf();
      contents = entries.map(([, [, def]]) => this.rewrite(def, side, pointers, true));
      const next = this.pick(
        entries.map(([, [wanted]]) => componentName(wanted)),
        contents,
        side,
      );
      if (next.every((n, i) => n === names[i])) break;
      names = next;
    }
    entries.forEach((_, i) => this.claim(names[i], contents[i], side));
    return this.rewrite(body, side, pointersOf(), own);
  }

  /** `node` with refs to local definitions pointing at their components, and named subschemas as `$ref`s. */
  private rewrite(node: JsonSchema, side: SchemaSide, pointers: Map<string, string>, own: boolean): JsonSchema {
    const target = (pointer: string): string => {
      const local = pointer.startsWith("#/$defs/") || pointer.startsWith("#/definitions/");
      const rooted = local ? pointer : `${ROOT}${pointer.slice(1)}`;
      for (const [from, name] of pointers) {
        if (rooted === from || rooted.startsWith(`${from}/`)) return `${PREFIX}${name}${rooted.slice(from.length)}`;
      }
      return pointer;
    };
    return mapSubschemas(node, (sub, root) => {
      let out = sub;
      if (typeof out.$ref === "string" && out.$ref.startsWith("#")) out = { ...out, $ref: target(out.$ref) };
      const { $id, title } = out;
      if (root && own) {
        // A `$id`'s URI would rebase the component's own references.
        const { $id: _id, ...content } = out;
        return content;
      }
      const wanted = typeof $id === "string" ? idName($id) : typeof title === "string" ? pascalCase(title) : undefined;
      if (wanted !== undefined && wanted !== "" && out.$ref === undefined) {
        const { $id: _id, ...content } = out;
        return ref(this.claim(componentName(wanted), content, side));
      }
      const equal = out.$ref === undefined ? this.equalNames.get(`${side}\0${canonical(out)}`) : undefined;
      return equal === undefined ? out : ref(equal);
    });
  }

  /**
   * Writes once what is written twice: an object schema (or a union) found in two places or
   * more, in bodies or in components, becomes a component, the largest first (what it holds is
   * then written once already). It is named after the first body it is (`<OperationId>Response`),
   * else after the first place it is in (`<OperationId>ResponseAuthor`, `ArticleTagsItem`).
   */
  private shareRepeated(results: Map<Slot, JsonSchema>): void {
    interface Place {
      readonly side: SchemaSide;
      readonly name: string;
      /** A body's root (1), a component's (2), inside one (0): the name of the first of the highest counts. */
      readonly rank: 0 | 1 | 2;
      readonly replace: (value: JsonSchema) => void;
    }
    const fixed = new Set(this.components.keys());
    for (let round = 0; round < 10_000; round++) {
      const keyOf = canonicalCache();
      const places = new Map<string, Place[]>();
      const note = (node: JsonSchema, place: Place) => {
        if (node.$ref !== undefined || !composite(node)) return;
        const key = keyOf(node);
        places.set(key, [...(places.get(key) ?? []), place]);
      };
      for (const slot of this.slots) {
        const root = results.get(slot)!;
        note(root, { side: slot.side, name: slot.hint, rank: 1, replace: (value) => results.set(slot, value) });
        forEachSubschema(root, (node, { path, replace }) =>
          note(node, { side: slot.side, name: `${slot.hint}${pathName(path)}`, rank: 0, replace }),
        );
      }
      for (const [name, { schema }] of this.components) {
        if (fixed.has(name)) continue;
        // A component is a place too: an equal schema elsewhere points to it.
        note(schema, { side: "output", name, rank: 2, replace: () => undefined });
        forEachSubschema(schema, (node, { path, replace }) =>
          note(node, { side: "output", name: `${name}${pathName(path)}`, rank: 0, replace }),
        );
      }
      let best: [string, Place[]] | undefined;
      for (const entry of places) {
        if (entry[1].length > 1 && (best === undefined || entry[0].length > best[0].length)) best = entry;
      }
      if (best === undefined) return;
      const [key, found] = best;
      const first = found.find((place) => place.rank === 2) ?? found.find((place) => place.rank === 1) ?? found[0];
      const name = this.claim(first.name, JSON.parse(key) as JsonSchema, first.side);
      for (const place of found) place.replace(ref(name));
    }
  }

  /** The names `wanted` would get for `contents`, in order, without claiming them. */
  private pick(wanted: string[], contents: JsonSchema[], side: SchemaSide): string[] {
    const taken = new Map<string, string>();
    return wanted.map((base, i) => {
      const key = canonical(contents[i]);
      for (const name of candidates(base, side)) {
        const holder = this.components.get(name)?.key ?? taken.get(name);
        if (holder === undefined || holder === key) {
          taken.set(name, key);
          return name;
        }
      }
      return base;
    });
  }

  /** The component name `schema` gets, from `base` (see the class's rules), adding it if new. */
  private claim(base: string, schema: JsonSchema, side: SchemaSide): string {
    const key = canonical(schema);
    for (const name of candidates(base, side)) {
      const holder = this.components.get(name);
      if (holder === undefined) {
        this.components.set(name, { schema, key });
        return name;
      }
      if (holder.key === key) return name;
    }
    return base; // not reached: candidates never end
  }

  /** The components the document's `paths` reach, directly or through other components, in the order they were added. */
  private reachable(paths: unknown): Record<string, JsonSchema> {
    const reached = new Set<string>();
    const visit = (value: unknown) => {
      for (const r of refsIn(value)) {
        if (!r.startsWith(PREFIX)) continue;
        const name = r.slice(PREFIX.length).split("/")[0];
        if (reached.has(name)) continue;
        reached.add(name);
        visit(this.components.get(name)?.schema);
      }
    };
    visit(paths);
    const out: Record<string, JsonSchema> = {};
    for (const [name, { schema }] of this.components) if (reached.has(name)) out[name] = schema;
    return out;
  }
}

/** A subschema's place as words of a name: `["author"]` → `Author`, `["tags", "items"]` → `TagsItem`. */
function pathName(path: readonly string[]): string {
  return path
    .map((segment) =>
      segment === "items" ? "Item" : segment === "additionalProperties" ? "Value" : pascalCase(segment),
    )
    .join("");
}

/** `Note`, then `NoteInput` for an input, then `Note2`, `Note3`… */
function* candidates(base: string, side: SchemaSide): Generator<string> {
  yield base;
  if (side === "input") yield `${base}Input`;
  for (let n = 2; ; n++) yield `${base}${n}`;
}
