// The app
export { Aex, type AexServer, type ErrorHandler } from "./app/aex";
export type { AexOptions } from "./app/options";
export type { Constructor } from "./app/compile-controller";

// Requests, responses, scope
export { AexRequest, type QueryValues, type RouteParams } from "./http/request";
export { AexResponse } from "./http/response";
export { RequestCookies, ResponseCookies, type CookieOptions } from "./http/cookies";
export { renderView, type ViewEngine } from "./http/view";
export { sendError, type ErrorBody } from "./http/send-error";
export {
  Scope,
  type ScopeBag,
  type ScopeSlots,
  type SharedScope,
  type UploadedFile,
  type Pagination,
} from "./scope/scope";
export { ScopeTime } from "./scope/scope-time";

// Steps and the Web Straight Line
export type { IAsyncMiddleware, ICompactContext, ICompactedAsyncMiddleware, Step, StepResult } from "./pipeline/types";
export { CompactContext } from "./pipeline/compact-context";
export { runLine, isPromise } from "./pipeline/run-line";
export { toStep, methodStep, type AnyStepFunction } from "./pipeline/to-step";

// Decorators
export { http, compact, get, post, put, patch, del, type Urls } from "./decorators/http";
export { inject, hook, guardedStep } from "./decorators/inject";
export { listen } from "./decorators/listen";

// Request data: parsing and validation
export { query, readQuery } from "./parsers/query";
export { body, bodyStep, type BodyType, type BodyOptions } from "./parsers/body";
export { formdata, formdataStep, DEFAULT_FORMDATA_LIMITS, type FormDataOptions } from "./parsers/formdata";
export { stripPrototypeKeys } from "./parsers/sanitize";
export {
  filter,
  filterStep,
  filterFailure,
  type FilterOptions,
  type FilterCheck,
  type FilterFailure,
  type FilterFallback,
  type FilterSource,
} from "./validation/filter";
export {
  RULE_TYPES,
  type FilterRule,
  type FilterRules,
  type FieldError,
  type RuleType,
} from "./validation/filter-rule";
export { compileObject, codePoints, type ObjectCheck } from "./validation/compile-rules";
export { isStandardSchema, type StandardSchemaV1 } from "./schema/standard-schema";
export { runSchema, toFieldErrors, type SchemaOutcome } from "./schema/run-schema";
export { schemaStep, type SchemaSource } from "./schema/schema-step";
export {
  params,
  schemaDecorator,
  type SchemaDecorator,
  type SchemaCheck,
  type SchemaMismatch,
} from "./schema/schema-decorator";
export type { ScopeWith } from "./schema/scope-with";
export { error, generateErrors, type ErrorDefinitions, type GeneratedError } from "./validation/error";

// OpenAPI 3.1
export { openapi, type ServeOpenApiOptions } from "./openapi/openapi";
export { buildOpenApi, type OpenApiOptions } from "./openapi/build-document";
export { returns, summary, docOf, type MethodDoc } from "./openapi/doc-decorators";
export { rulesToJsonSchema, ruleToJsonSchema, type JsonSchema } from "./openapi/rules-to-json-schema";
export { schemaToJsonSchema, type ToJsonSchema } from "./openapi/schema-to-json-schema";
export { toYaml } from "./openapi/to-yaml";
export { listRoutes, type RouteInfo } from "./app/routes";

// API styles and static files
export { rest, type RestOptions } from "./api/rest";
export { api } from "./api/api";
export { serve, assets, serveStep, type ServeOptions } from "./static/serve";

// The registry other packages record their steps in
export {
  addRoute,
  addStep,
  addListener,
  routesOf,
  stepsOf,
  listenersOf,
  assertMethodTarget,
} from "./registry/registry";
export type { BuildContext, MethodKey, RouteDefinition, StepDefinition } from "./registry/definitions";
export { decoratorStep, type DecoratorStep } from "./registry/decorator-step";

// Routing
export { Router, type RouterOptions, type RouterMiddleware } from "./router/router";
export { RouteTable, ANY_METHOD, type RouteEntry } from "./router/route-table";
export { routeParams } from "./router/route-params";
export { pathOf } from "./router/path-of";

// Errors
export { AexError, AEX_ERROR_CODES, type AexErrorCode } from "./errors/aex-error";
export { HttpError, toHttpError, HTTP_ERROR_CODES, type HttpErrorOptions } from "./errors/http-error";

// Testing
export { TestClient, TestRequest, type TestResponse } from "./testing/test-client";
export { MemorySocket, socketPair } from "./testing/memory-socket";

// Helpers
export { toAsyncMiddleware, type ExpressMiddleware } from "./helpers/to-async-middleware";
export { paginate, pagination, type PaginationSource } from "./helpers/paginate";
export { cors, type CorsOptions, type CorsOrigin } from "./helpers/cors";
export { runCluster, type ClusterOptions } from "./helpers/cluster";
