/** An OpenAPI (or JSON Schema) object, as `buildOpenApi` writes it. */
export type OpenApiObject = Record<string, unknown>;

/** Where every error answer of the client points: `components.schemas.Problem`. */
const PROBLEM_REF = { $ref: "#/components/schemas/Problem" };

const DEFAULT_ERROR = {
  description: "An error: any route may also answer 404, 405, 408, 413, 415, 429, 500… as problem details",
  content: { "application/problem+json": { schema: PROBLEM_REF } },
};

const isError = (status: string) => status === "default" || /^[45]/.test(status);

/**
 * The document with every error answer typed as problem details: an error response that
 * names no body gets `application/problem+json` with `components.schemas.Problem` (`problem`,
 * the app's `@aex/openapi` schema of it, when the document has none), and each
 * operation gets a `default` error response (any route may answer 404, 413, 500… through
 * Aex's one error path). What the document says of its own is kept; the input is not changed.
 */
export function withProblemResponses(document: OpenApiObject, problem: OpenApiObject): OpenApiObject {
  const copy = structuredClone(document);
  const components = (copy.components ??= {}) as OpenApiObject;
  const schemas = (components.schemas ??= {}) as OpenApiObject;
  schemas.Problem ??= problem;
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
