import { AexError } from "../errors/aex-error";
import { HttpError } from "../errors/http-error";
import { readQuery } from "../parsers/read-query";
import type { Step } from "../pipeline/types";
import type { Scope } from "../scope/scope";
import { runSchema, type SchemaOutcome } from "./run-schema";
import type { StandardSchemaV1 } from "./standard-schema";

/** Where a schema decorator finds its data and puts the parsed value. */
export type SchemaSource = "body" | "query" | "params";

/** Options of a schema check (`@body(schema, options)`, `@query(schema, options)`, `@params(schema, options)`). */
export interface SchemaOptions {
  /** The status invalid data is answered with; default the app's `validationStatus` (400). */
  validationStatus?: number;
}

/** Refuses a `validationStatus` that is not a 4xx status, when the decorator is called. */
export function checkValidationStatus(where: string, status: unknown): void {
  if (status !== undefined && !(Number.isInteger(status) && (status as number) >= 400 && (status as number) <= 499)) {
    throw new AexError(
      "AEX_ERR_DECORATOR_ARGS",
      `${where}: validationStatus must be a 4xx status, not ${String(status)}`,
    );
  }
}

function fail(source: SchemaSource, status: number, outcome: SchemaOutcome & { ok: false }): never {
  const first = outcome.errors[0];
  throw new HttpError(status, `Invalid ${source}: ${first?.message ?? "invalid data"}`, {
    code: "AEX_VALIDATION_FAILED",
    details: { in: source, errors: outcome.errors },
  });
}

/** The parsed, coerced value replaces the raw one in the scope; `req` keeps what the client sent. */
function settle(source: SchemaSource, status: number, outcome: SchemaOutcome, scope: Scope): void {
  if (!outcome.ok) fail(source, status, outcome);
  scope.provide(source, outcome.value as never);
}

/**
 * The step that validates `scope.body`, `scope.query` or `scope.params` with a Standard
 * Schema and puts the parsed value in its place. Invalid data is answered `status` (default
 * 400) `AEX_VALIDATION_FAILED`, whose problem body lists `errors: [{ field, rule, message }]`
 * and says `details: { in: source }`. Synchronous when the schema is.
 *
 * @example
 * aex.use(schemaStep("query", z.object({ page: z.coerce.number().int().min(1) })));
 */
export function schemaStep(source: SchemaSource, schema: StandardSchemaV1, status = 400): Step {
  return (req, _res, scope) => {
    const data = source === "query" ? readQuery(req, scope) : source === "params" ? scope.params : scope.body;
    // Parsed queries and params have a null prototype, which some libraries refuse as an object.
    const input = source === "body" ? data : { ...(data as object) };
    const outcome = runSchema(schema, input);
    if (outcome instanceof Promise) return outcome.then((settled) => settle(source, status, settled, scope));
    settle(source, status, outcome, scope);
    return undefined;
  };
}
