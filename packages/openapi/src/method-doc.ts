import type { StandardSchemaV1 } from "@aex/core";
import { recordsOfKind, type MethodKey } from "@aex/core/plugin";
import type { JsonSchema } from "./rules-to-json-schema";

/** What `@returns`, `@summary` and `@operationId` recorded for one method. */
export interface MethodDoc {
  /** The operation's `operationId` (`@operationId`). */
  operationId?: string;
  /** The operation's one-line summary (`@summary`). */
  summary?: string;
  /** The operation's longer description (`@summary`'s second argument). */
  description?: string;
  /** The responses `@returns` declared, in written order. */
  responses: {
    /** The HTTP status. */
    status: number;
    /** The body's schema (a Standard Schema or a JSON Schema). */
    schema?: StandardSchemaV1 | JsonSchema;
    /** What the response means. */
    description?: string;
  }[];
}

/** The record kind of `@returns`, `@summary` and `@operationId` (`addRecord`). */
export const DOCS_KEY = Symbol.for("aex:openapi");

/**
 * What `@returns`/`@summary`/`@operationId` recorded for a method of a class, merged in written order.
 *
 * @example
 * docOf(Notes, "one")?.responses; // [{ status: 200, schema: Note, description: "The note" }, { status: 404 }]
 */
export function docOf(Class: Function, key: MethodKey): MethodDoc | undefined {
  const records = recordsOfKind<MethodDoc>(DOCS_KEY, Class).get(key);
  if (records === undefined) return undefined;
  const doc: MethodDoc = { responses: [] };
  for (const record of records) {
    doc.operationId ??= record.operationId;
    doc.summary ??= record.summary;
    doc.description ??= record.description;
    doc.responses.push(...record.responses);
  }
  return doc;
}
