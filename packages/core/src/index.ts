/**
 * The Aex framework: the app, the decorators and their steps, the router, `Scope`, errors
 * in problem details, guards, caching, operations (logs, shutdown), HTTP/2 and the
 * in-process test client. OpenAPI is `@aex/openapi`, metrics `@aex/metrics`.
 *
 * @module @aex/core
 */
// The app
export { Aex, type AexServer, type AexState, type ErrorHandler } from "./app/aex";
export type { AexPlugin } from "./app/aex";
export type { AppClasses } from "./app/app-classes";
export type { AexOptions } from "./app/options";
export type { Constructor } from "./app/compile-controller";

// Requests, responses, scope
export { AexRequest, type QueryValues, type RouteParams } from "./http/request";
export { AexResponse } from "./http/response";
export type { JsonWriter } from "./http/json-writer";
export { RequestCookies, ResponseCookies, type CookieOptions } from "./http/cookies";
export { sendError, type ErrorContext } from "./http/send-error";
export { prefersHtml } from "./http/negotiate";
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
export { runLine } from "./pipeline/run-line";
export { isPromise } from "./pipeline/is-promise";
export { toStep, methodStep, type AnyStepFunction } from "./pipeline/to-step";

// Decorators
export { http, compact, get, post, put, patch, del, type Urls } from "./decorators/http";
export { inject, hook, guardedStep } from "./decorators/inject";
export { listen } from "./decorators/listen";
export { sse, EventStream, type SseHandler, type SseOptions } from "./sse";

// Request data: parsing and validation
export { query } from "./parsers/query";
export { readQuery } from "./parsers/read-query";
export { body, bodyStep, type BodyType, type BodyOptions } from "./parsers/body";
export { formdata, formdataStep, DEFAULT_FORMDATA_LIMITS, type FormDataOptions } from "./parsers/formdata";
export { stripPrototypeKeys } from "./parsers/prototype-keys";
export { parseJson } from "./parsers/parse-json";
export { DEFAULT_BODY_LIMITS, type BodyLimits } from "./parsers/body-limits";
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
export { RULE_TYPES, type FilterRule, type FilterRules, type RuleType } from "./validation/filter-rule";
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

// The app's routes, as data (`aex routes`, @aex/openapi)
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
  addRecord,
  recordsOfKind,
} from "./registry/registry";
export type {
  BuildContext,
  MethodKey,
  RouteDefinition,
  SecuritySchemeDoc,
  StepDefinition,
  StepOpenApi,
} from "./registry/definitions";

export {
  methodDecorator,
  isDecoratorContext,
  type AexMethodDecorator,
  type Recorder,
} from "./registry/method-decorator";
export { decoratorStep, BUILD_FOR_APP, type DecoratorStep, type StepBuilder } from "./registry/decorator-step";
export type { ResponseHooks, ResponsePhase, OnSend, OnStream, OnResponse, SendBody } from "./http/response-hooks";

// Routing
export { Router, type RouterOptions, type RouterMiddleware } from "./router/router";
export { RouteTable, ANY_METHOD, type RouteEntry } from "./router/route-table";
export { routeParams } from "./router/route-params";
export { pathOf } from "./router/path-of";

// Errors
export { AexError, AEX_ERROR_CODES, defineSetupErrors, type AexErrorCode } from "./errors/aex-error";
export { HttpError, toHttpError, HTTP_ERROR_CODES, type HttpErrorOptions } from "./errors/http-error";
export { toProblem, problemPage, type Problem, type FieldError } from "./errors/problem";

// Operations: logging, request ids, health, shutdown
export { createLogger, type LoggerOption, type AexLogger } from "./ops/logger";
export { RequestIds, isSafeRequestId } from "./ops/request-id";
export { health, type HealthOptions, type HealthCheck } from "./ops/health";
export type { ClosePhase } from "./ops/shutdown";

// Secure defaults: security headers, CSP nonce, trusted proxies
export { headers } from "./security/headers-decorator";
export {
  DEFAULT_CSP,
  resolveSecurityHeaders,
  type CspDirectives,
  type SecurityHeaders,
  type SecurityHeadersOptions,
} from "./security/headers";
export { compileTrust, type TrustProxy, type TrustFunction } from "./security/trust-proxy";
export { isSecure } from "./security/is-secure";

// Testing
export { TestClient, TestRequest, type TestResponse } from "./testing/test-client";
export { MemorySocket, socketPair } from "./testing/memory-socket";
export {
  WEBSOCKET_OPENER,
  type TestWebSocket,
  type TestSocketMessage,
  type TestUpgradeResponse,
  type WebSocketOpener,
} from "./testing/test-socket";
export type { TestEvent, TestEventStream } from "./testing/test-event-stream";

// Helpers
export { toAsyncMiddleware, type ExpressMiddleware } from "./helpers/to-async-middleware";
export { paginate, pagination, type PaginationSource } from "./helpers/paginate";
export { cors, type CorsOptions, type CorsOrigin } from "./helpers/cors";
export { runCluster, type ClusterOptions } from "./helpers/cluster";
export { methodOverride, type MethodOverrideOptions } from "./helpers/method-override";
export { closeRedisClient, type ClosableRedisClient } from "./helpers/close-redis-client";

// Cache
export {
  Cache,
  MemoryCacheStore,
  RedisCacheStore,
  cache,
  type CacheStore,
  type CacheOptions,
  type MemoryCacheStoreOptions,
  type RedisCacheClient,
  type RedisCacheStoreOptions,
} from "./cache";

// Guards: rate limits, CSRF, JWT and API keys, flood protection (opt-in steps and decorators)
export { clientIp } from "./guards/client-ip";
export { safeEqual } from "./guards/constant-time";
export { rateLimit, type RateLimitOptions, type RateLimitBy } from "./guards/rate-limit";
export type { RateLimitStore, RateLimitHit, RateLimitAlgorithm } from "./guards/rate-limit-store";
export { MemoryRateLimitStore, type MemoryRateLimitStoreOptions } from "./guards/memory-rate-limit-store";
export {
  RedisRateLimitStore,
  type RedisCommandClient,
  type RedisRateLimitStoreOptions,
} from "./guards/redis-rate-limit-store";
export { csrf, type CsrfOptions, type CsrfStore } from "./guards/csrf";
export type { AuthUser } from "./guards/auth-user";
export {
  signJwt,
  verifyJwt,
  jwtVerifier,
  type SignJwtOptions,
  type VerifyJwtOptions,
  type JwtVerifier,
} from "./guards/jwt";
export type { JwtKey, JwtKeySet } from "./guards/jwt-keys";
export { auth, type AuthOptions } from "./guards/auth";
export {
  tokenFromHeader,
  tokenFromCookie,
  tokenFromQuery,
  type TokenExtractor,
  type TokenFromHeaderOptions,
} from "./guards/token-extractor";
export { roles } from "./guards/roles";
export { apiKey, type ApiKeyOptions } from "./guards/api-key";
export { floodGuard, type FloodGuard, type FloodGuardOptions } from "./guards/flood-guard";

// Operations: compression
export { compress, type CompressOptions } from "./ops/compression";
export { negotiateEncoding, ENCODINGS, type Encoding } from "./ops/accept-encoding";
export { isCompressible } from "./ops/compressible";

// Transport: TLS and HTTP/2
export { createTransportServer, type TransportOptions, type TransportServer } from "./http2/transport";
export type { Http2Limits } from "./http2/limits";
export { http2Classes, type Http2Classes } from "./http2/http2-classes";
export type { ClusterStartOptions, StartOptions } from "./http2/start-options";

// Operations: what a sent answer's length was, for metrics
export { sentLength } from "./ops/sent-length";
