import type { FieldError } from "../validation/filter-rule";
import type { StandardSchemaV1 } from "./standard-schema";

/** A schema's verdict: the parsed value, or the fields that failed. */
export type SchemaOutcome<T = unknown> =
  | {
      /** The value passed. */
      ok: true;
      /** The schema's output: parsed, coerced, defaults filled. */
      value: T;
    }
  | {
      /** The value was rejected. */
      ok: false;
      /** Every failure, one per field and rule. */
      errors: FieldError[];
    };

function segment(key: PropertyKey | StandardSchemaV1.PathSegment): PropertyKey {
  return typeof key === "object" && key !== null ? key.key : key;
}

/** `address.city`, `tags[2]`; the whole value is `(root)`. */
function fieldOf(path: StandardSchemaV1.Issue["path"]): string {
  let field = "";
  for (const part of path ?? []) {
    const key = segment(part);
    if (typeof key === "number") field += `[${key}]`;
    else field += field === "" ? String(key) : `.${String(key)}`;
  }
  return field === "" ? "(root)" : field;
}

/**
 * Names the rule an issue broke. zod puts its issue code on the issue, valibot its
 * `type`, ArkType its `code`; other libraries say `schema`.
 */
function ruleOf(issue: StandardSchemaV1.Issue): string {
  const { code, type, kind } = issue as { code?: unknown; type?: unknown; kind?: unknown };
  if (typeof code === "string") return code;
  if (typeof type === "string") return type;
  if (typeof kind === "string") return kind;
  return "schema";
}

/**
 * Maps a library's issues to Aex's `{ field, rule, message }`. The message is prefixed
 * with the field so it reads on its own; the rejected value is never included (the
 * libraries' default messages name the expected type, not the input).
 */
export function toFieldErrors(issues: ReadonlyArray<StandardSchemaV1.Issue>): FieldError[] {
  return issues.map((issue) => {
    const field = fieldOf(issue.path);
    return { field, rule: ruleOf(issue), message: `${field}: ${issue.message}` };
  });
}

function settle<T>(result: StandardSchemaV1.Result<T>): SchemaOutcome<T> {
  return result.issues === undefined
    ? { ok: true, value: (result as StandardSchemaV1.SuccessResult<T>).value }
    : { ok: false, errors: toFieldErrors(result.issues) };
}

/** Validates `value` with a Standard Schema; synchronous when the schema is. */
export function runSchema<T>(
  schema: StandardSchemaV1<unknown, T>,
  value: unknown,
): SchemaOutcome<T> | Promise<SchemaOutcome<T>> {
  const result = schema["~standard"].validate(value);
  return result instanceof Promise ? result.then(settle) : settle(result);
}
