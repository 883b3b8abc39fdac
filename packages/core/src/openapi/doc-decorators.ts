import "reflect-metadata";
import { AexError } from "../errors/aex-error";
import type { MethodKey } from "../registry/definitions";
import type { StandardSchemaV1 } from "../schema/standard-schema";
import type { JsonSchema } from "./rules-to-json-schema";

/** What `@returns` and `@summary` recorded for one method. */
export interface MethodDoc {
  summary?: string;
  description?: string;
  responses: { status: number; schema?: StandardSchemaV1 | JsonSchema; description?: string }[];
}

const DOCS_KEY = Symbol.for("aex:openapi");

/** The class's own doc map, copied from what it inherits on first write. */
function docsFor(prototype: object): Map<MethodKey, MethodDoc> {
  let docs = Reflect.getOwnMetadata(DOCS_KEY, prototype) as Map<MethodKey, MethodDoc> | undefined;
  if (docs === undefined) {
    const inherited = Reflect.getMetadata(DOCS_KEY, prototype) as Map<MethodKey, MethodDoc> | undefined;
    docs = new Map([...(inherited ?? [])].map(([k, d]) => [k, { ...d, responses: [...d.responses] }]));
    Reflect.defineMetadata(DOCS_KEY, docs, prototype);
  }
  return docs;
}

function edit(prototype: object, key: MethodKey, change: (doc: MethodDoc) => void): void {
  const docs = docsFor(prototype);
  const doc = docs.get(key) ?? { responses: [] };
  change(doc);
  docs.set(key, doc);
}

/** What `@returns`/`@summary` recorded for a method of a class. */
export function docOf(Class: Function, key: MethodKey): MethodDoc | undefined {
  return (Reflect.getMetadata(DOCS_KEY, Class.prototype) as Map<MethodKey, MethodDoc> | undefined)?.get(key);
}

/**
 * Documents a response of the route: its status, body schema (a Standard Schema or a
 * JSON Schema) and description. Only the OpenAPI document reads it; requests never do.
 *
 * @example
 * class Notes {
 *   @get("/notes/:id")
 *   @returns(200, NoteSchema, "The note")
 *   @returns(404)
 *   one(req, res, scope) {}
 * }
 */
export function returns(status: number, schema?: StandardSchemaV1 | JsonSchema, description?: string): MethodDecorator {
  if (!Number.isInteger(status) || status < 100 || status > 599) {
    throw new AexError("AEX_ERR_DECORATOR_ARGS", "@returns takes an HTTP status (100-599)");
  }
  return (target, key) => edit(target, key, (doc) => doc.responses.unshift({ status, schema, description }));
}

/**
 * The route's summary (and description) in the OpenAPI document.
 *
 * @example
 * class Notes {
 *   @get("/notes")
 *   @summary("List the notes", "Newest first.")
 *   list(req, res) {}
 * }
 */
export function summary(text: string, description?: string): MethodDecorator {
  if (typeof text !== "string" || text === "") throw new AexError("AEX_ERR_DECORATOR_ARGS", "@summary takes a text");
  return (target, key) =>
    edit(target, key, (doc) => {
      doc.summary = text;
      if (description !== undefined) doc.description = description;
    });
}
