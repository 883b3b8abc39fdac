/** An OpenAPI (or JSON Schema) object, as `buildOpenApi` writes it. */
export type OpenApiObject = Record<string, unknown>;

/** Where every error answer of the client points: `components.schemas.Problem`. */
const PROBLEM_REF = { $ref: "#/components/schemas/Problem" };

/** The JSON Schema of `@aex/core`'s `Problem` (errors/problem.ts): every error answer's body. */
export const PROBLEM_SCHEMA: OpenApiObject = {
  type: "object",
  description:
    "The body of every error answer (`application/problem+json`): RFC 9457 problem details, plus Aex's members `code`, `requestId`, `errors` (validation) and, in development only, `stack`.",
  required: ["type", "title", "status"],
  properties: {
    type: {
      type: "string",
      description: "A URI naming the kind of problem; `about:blank` when the status says it all.",
    },
    title: { type: "string", description: 'The status text, e.g. "Not Found".' },
    status: { type: "integer", description: "The HTTP status." },
    detail: { type: "string", description: "What happened to this request; absent for a 5xx outside development." },
    instance: { type: "string", description: "The request path (without its query string)." },
    code: { type: "string", description: "The error's machine-readable code (`AEX_NOT_FOUND`…)." },
    requestId: { type: "string", description: "The request's id, also in the `X-Request-Id` header." },
    errors: {
      type: "array",
      description: "Validation failures, one per field and rule.",
      items: {
        type: "object",
        required: ["field", "rule", "message"],
        properties: {
          field: { type: "string", description: 'The field\'s path, e.g. "body.title".' },
          rule: { type: "string", description: 'The rule it broke, e.g. "minLength".' },
          message: { type: "string", description: "What is wrong, in plain English; never the rejected value." },
        },
      },
    },
    details: { description: "Other JSON-safe details of an exposed error." },
    stack: { type: "string", description: "Development only." },
  },
};

const DEFAULT_ERROR = {
  description: "An error: any route may also answer 404, 405, 408, 413, 415, 429, 500… as problem details",
  content: { "application/problem+json": { schema: PROBLEM_REF } },
};

const isError = (status: string) => status === "default" || /^[45]/.test(status);

/**
 * The document with every error answer typed as problem details: an error response that
 * names no body gets `application/problem+json` with `components.schemas.Problem`, and each
 * operation gets a `default` error response (any route may answer 404, 413, 500… through
 * Aex's one error path). What the document says of its own is kept; the input is not changed.
 */
export function withProblemResponses(document: OpenApiObject): OpenApiObject {
  const copy = structuredClone(document);
  const components = (copy.components ??= {}) as OpenApiObject;
  const schemas = (components.schemas ??= {}) as OpenApiObject;
  schemas.Problem ??= PROBLEM_SCHEMA;
  for (const item of Object.values((copy.paths ?? {}) as Record<string, OpenApiObject>)) {
    for (const operation of Object.values(item)) {
      const responses = (operation as { responses?: Record<string, OpenApiObject> }).responses;
      if (typeof responses !== "object" || responses === null) continue;
      for (const [status, response] of Object.entries(responses)) {
        if (isError(status) && response.content === undefined && response.$ref === undefined) {
          response.content = { "application/problem+json": { schema: PROBLEM_REF } };
        }
      }
      responses.default ??= structuredClone(DEFAULT_ERROR);
    }
  }
  return copy;
}
