/**
 * OpenAPI 3.1 for Aex apps: the document of an app's routes (`buildOpenApi`), served with an
 * API reference page by a plugin (`aex.register(openapi())`), and `@returns` / `@summary` / `@operationId`,
 * whose schemas are also each route's response contract (checked with Ajv or the schema
 * itself outside production, written by fast-json-stringify).
 *
 * @module @aex/openapi
 */
export { openapi, type ServeOpenApiOptions } from "./openapi";
export { buildOpenApi, documentOperationIds, type OpenApiOptions } from "./build-document";
export { operationId, returns, summary } from "./doc-decorators";
export type { GivenSchema } from "./component-schemas";
export { PROBLEM_SCHEMAS } from "./problem-schemas";
export { docOf, type MethodDoc } from "./method-doc";
export { rulesToJsonSchema, ruleToJsonSchema, type JsonSchema } from "./rules-to-json-schema";
export {
  schemaToJsonSchema,
  knownJsonSchema,
  type ToJsonSchema,
  type SchemaSide,
  type JsonSchemaTarget,
} from "./schema-to-json-schema";
export { toYaml } from "./to-yaml";
export { documentStep } from "./document-step";
export { ResponseContract } from "./response-contract";
export { OPENAPI_ERROR_CODES, OPENAPI_HTTP_ERROR_CODES } from "./errors";
