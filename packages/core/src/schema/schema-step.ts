import { HttpError } from "../errors/http-error";
import { readQuery } from "../parsers/read-query";
import type { Step } from "../pipeline/types";
import type { Scope } from "../scope/scope";
import { runSchema, type SchemaOutcome } from "./run-schema";
import type { StandardSchemaV1 } from "./standard-schema";

/** Where a schema decorator finds its data and puts the parsed value. */
export type SchemaSource = "body" | "query" | "params";

function fail(source: SchemaSource, outcome: SchemaOutcome & { ok: false }): never {
  const first = outcome.errors[0];
  throw new HttpError(400, `Invalid ${source}: ${first?.message ?? "invalid data"}`, {
    code: "AEX_VALIDATION_FAILED",
    details: { in: source, errors: outcome.errors },
  });
}

/** The parsed, coerced value replaces the raw one in the scope; `req` keeps what the client sent. */
function settle(source: SchemaSource, outcome: SchemaOutcome, scope: Scope): void {
  if (!outcome.ok) fail(source, outcome);
  scope.provide(source, outcome.value as never);
}

/**
 * The step that validates `scope.body`, `scope.query` or `scope.params` with a Standard
 * Schema and puts the parsed value in its place. Invalid data is a 400
 * `AEX_VALIDATION_FAILED` whose `details.errors` lists `{ field, rule, message }`.
 * Synchronous when the schema is.
 *
 * @example
 * aex.use(schemaStep("query", z.object({ page: z.coerce.number().int().min(1) })));
 */
export function schemaStep(source: SchemaSource, schema: StandardSchemaV1): Step {
  return (req, _res, scope) => {
    const data = source === "query" ? readQuery(req, scope) : source === "params" ? scope.params : scope.body;
    // Parsed queries and params have a null prototype, which some libraries refuse as an object.
    const input = source === "body" ? data : { ...(data as object) };
    const outcome = runSchema(schema, input);
    if (outcome instanceof Promise) return outcome.then((settled) => settle(source, settled, scope));
    settle(source, outcome, scope);
    return undefined;
  };
}
