import { AexError, type StandardSchemaV1 } from "@aex/core";
import {
  addRecord,
  addStep,
  methodDecorator,
  type AexMethodDecorator,
  type MethodKey,
  type StepDefinition,
} from "@aex/core/plugin";
import { DOCS_KEY, type MethodDoc } from "./method-doc";
import { ResponseContract } from "./response-contract";
import type { JsonSchema } from "./rules-to-json-schema";

/**
 * The route's contract step: compiles its `@returns` schemas once, at `prepare()`, and
 * gives each request's response the route's JSON writer. One per method, whatever the
 * number of `@returns`.
 */
const contractStep: StepDefinition = {
  name: "returns",
  build({ app, instance, methodName }) {
    const contract = ResponseContract.of(app, instance.constructor, methodName);
    if (contract === null) return null;
    return (_req, res) => {
      res.jsonWriter = contract;
    };
  },
};

/** Where a holder notes the methods that have their contract step already (own or inherited). */
const HAS_CONTRACT = Symbol("aex.openapi.hasContract");
type Holder = { [HAS_CONTRACT]?: Set<MethodKey> };

/** Notes that `key` has its contract step on `holder`; false when it had one already. */
function claimContract(holder: object, key: MethodKey): boolean {
  const inherited = (holder as Holder)[HAS_CONTRACT];
  if (inherited?.has(key) === true) return false;
  let own = Object.prototype.hasOwnProperty.call(holder, HAS_CONTRACT) ? inherited : undefined;
  if (own === undefined) {
    // A subclass's holder inherits its parent's: it gets a copy, so the parent's is left alone.
    own = new Set(inherited);
    Object.defineProperty(holder, HAS_CONTRACT, { value: own, configurable: true });
  }
  own.add(key);
  return true;
}

/**
 * Documents a response of the route: its status, body schema (a Standard Schema or a
 * JSON Schema) and description, for the OpenAPI document. With a schema, it is also the
 * route's contract for `res.json`/`res.ok` bodies sent with that status (from its step
 * on: the first `@returns` with a schema, counted from the bottom, records one step for
 * them all): outside production (the app's `validateResponses`) a body that does not
 * match answers 500 `AEX_RESPONSE_INVALID`; when the schema's JSON Schema is known,
 * fast-json-stringify (compiled at `prepare()`) writes the body, in production and
 * development alike.
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
  return methodDecorator((holder, key) => {
    addRecord<MethodDoc>(DOCS_KEY, holder, key, { responses: [{ status, schema, description }] });
    if (schema !== undefined && claimContract(holder, key)) addStep(holder, key, contractStep);
  });
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

/** What an operationId may hold: letters, digits and `_ . -` (URL-safe, and a name in generated clients). */
const OPERATION_ID = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

/**
 * The route's `operationId` in the OpenAPI document, instead of the default (the method's
 * name in camelCase, see docs/openapi.md). It must be unique in the document: two routes
 * given the same one are refused with `AEX_ERR_OPENAPI_OPERATION_ID` when the document is
 * built (at `prepare()` with the `openapi()` plugin). A method with several routes (`@rest`,
 * several verbs or URLs) gives the id to the first and numbered ids to the others.
 *
 * @example
 * class Articles {
 *   @get("/articles/feed")
 *   @operationId("getArticlesFeed")
 *   feed(req, res) {}
 * }
 */
export function operationId(id: string): AexMethodDecorator {
  if (typeof id !== "string" || !OPERATION_ID.test(id)) {
    throw new AexError(
      "AEX_ERR_DECORATOR_ARGS",
      `@operationId takes letters, digits, "_", "." and "-", starting with a letter or "_": ${String(id)}`,
    );
  }
  return methodDecorator((holder, key) =>
    addRecord<MethodDoc>(DOCS_KEY, holder, key, { operationId: id, responses: [] }),
  );
}
