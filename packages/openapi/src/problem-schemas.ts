import type { JsonSchema } from "./rules-to-json-schema";

/** The media type of every error answer Aex writes (RFC 9457). */
export const PROBLEM_MEDIA_TYPE = "application/problem+json";

/** `components.schemas` names of the error bodies; a schema of yours with one of them is numbered. */
export const PROBLEM = "Problem";
export const FIELD_ERROR = "FieldError";
export const VALIDATION_PROBLEM = "ValidationProblem";

const ref = (name: string): JsonSchema => ({ $ref: `#/components/schemas/${name}` });

/**
 * The error bodies of `@aex/core`'s one error path (errors/problem.ts `Problem`, written by
 * send-error.ts): RFC 9457 problem details with Aex's members. The validation failure's
 * `errors` are at the top of the body; `details` keeps the other members (`in`, and for
 * `@filter` the first failing `field`, `rule` and `message`).
 */
export const PROBLEM_SCHEMAS: Readonly<Record<string, JsonSchema>> = {
  [PROBLEM]: {
    type: "object",
    description:
      "The body of every error answer (`application/problem+json`): RFC 9457 problem details, plus Aex's `code`, `requestId`, `errors` (validation) and, in development only, `stack`.",
    required: ["type", "title", "status"],
    properties: {
      type: {
        type: "string",
        description: "A URI naming the kind of problem; `about:blank` when the status says it all.",
      },
      title: { type: "string", description: 'The status text, e.g. "Not Found".' },
      status: { type: "integer", minimum: 400, maximum: 599, description: "The HTTP status." },
      detail: { type: "string", description: "What happened to this request; absent for a 5xx outside development." },
      instance: { type: "string", description: "The request path (without its query string)." },
      code: { type: "string", description: "The error's machine-readable code (`AEX_NOT_FOUND`…)." },
      requestId: { type: "string", description: "The request's id, also in the `X-Request-Id` header." },
      errors: {
        type: "array",
        description: "Validation failures, one per field and rule.",
        items: ref(FIELD_ERROR),
      },
      details: { description: "Other JSON-safe details of an exposed error." },
      stack: { type: "string", description: "Development only." },
    },
  },
  [FIELD_ERROR]: {
    type: "object",
    description: "One failed check of a validation error.",
    required: ["field", "rule", "message"],
    properties: {
      field: { type: "string", description: 'The field\'s path, e.g. "title" or "author.name".' },
      rule: { type: "string", description: 'The rule it broke, e.g. "minLength".' },
      message: { type: "string", description: "What is wrong, in plain English; never the rejected value." },
    },
  },
  [VALIDATION_PROBLEM]: {
    description:
      "A request that failed validation (`AEX_VALIDATION_FAILED` from a schema, `AEX_FILTER_INVALID` from `@filter`): `errors` names each field and rule; `details.in` says which data failed.",
    allOf: [
      ref(PROBLEM),
      {
        type: "object",
        required: ["code", "errors"],
        properties: {
          code: { type: "string", enum: ["AEX_VALIDATION_FAILED", "AEX_FILTER_INVALID"] },
          errors: { type: "array", items: ref(FIELD_ERROR) },
          details: {
            type: "object",
            required: ["in"],
            properties: {
              in: { type: "string", enum: ["params", "query", "body"], description: "Which data failed." },
              field: { type: "string", description: "`@filter`: the first field that failed." },
              rule: { type: "string", description: "`@filter`: the rule it broke." },
              message: { type: "string", description: "`@filter`: what is wrong with it." },
            },
          },
        },
      },
    ],
  },
};

/** An error response whose body is `schema` (a component's name) as problem details. */
export function problemResponse(description: string, schema: string = PROBLEM): JsonSchema {
  return { description, content: { [PROBLEM_MEDIA_TYPE]: { schema: ref(schema) } } };
}
