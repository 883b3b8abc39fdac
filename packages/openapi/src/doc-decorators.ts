import { AexError } from "../errors/aex-error";
import type { MethodKey } from "../registry/definitions";
import { methodDecorator, type AexMethodDecorator } from "../registry/method-decorator";
import { addRecord, recordsOfKind } from "../registry/registry";
import type { StandardSchemaV1 } from "../schema/standard-schema";
import type { JsonSchema } from "./rules-to-json-schema";

/** What `@returns` and `@summary` recorded for one method. */
export interface MethodDoc {
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

const DOCS_KEY = Symbol.for("aex:openapi");

/** What `@returns`/`@summary` recorded for a method of a class, merged in written order. */
export function docOf(Class: Function, key: MethodKey): MethodDoc | undefined {
  const records = recordsOfKind<MethodDoc>(DOCS_KEY, Class).get(key);
  if (records === undefined) return undefined;
  const doc: MethodDoc = { responses: [] };
  for (const record of records) {
    doc.summary ??= record.summary;
    doc.description ??= record.description;
    doc.responses.push(...record.responses);
  }
  return doc;
}

/**
 * Documents a response of the route: its status, body schema (a Standard Schema or a
 * JSON Schema) and description, for the OpenAPI document. With a schema, it is also the
 * route's contract for `res.json`/`res.ok` bodies sent with that status: outside
 * production (`validateResponses`) a body that does not match answers 500
 * `AEX_RESPONSE_INVALID`; when the schema's JSON Schema is known, fast-json-stringify
 * (compiled at `prepare()`) writes the body, in production and development alike.
 *
 * @example
 * class Notes {
 *   @get("/notes/:id")
 *   @returns(200, NoteSchema, "The note")
 *   @returns(404)
 *   one(req, res, scope) {}
 * }
 */
export function returns(
  status: number,
  schema?: StandardSchemaV1 | JsonSchema,
  description?: string,
): AexMethodDecorator {
  if (!Number.isInteger(status) || status < 100 || status > 599) {
    throw new AexError("AEX_ERR_DECORATOR_ARGS", "@returns takes an HTTP status (100-599)");
  }
  return methodDecorator((holder, key) =>
    addRecord<MethodDoc>(DOCS_KEY, holder, key, { responses: [{ status, schema, description }] }),
  );
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
export function summary(text: string, description?: string): AexMethodDecorator {
  if (typeof text !== "string" || text === "") throw new AexError("AEX_ERR_DECORATOR_ARGS", "@summary takes a text");
  return methodDecorator((holder, key) =>
    addRecord<MethodDoc>(DOCS_KEY, holder, key, { summary: text, description, responses: [] }),
  );
}
