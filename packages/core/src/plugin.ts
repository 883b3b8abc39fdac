/**
 * What plugin authors need: the metadata registry decorators record in, steps that are also
 * decorators, response-phase hooks, error codes of their own, and the pieces core's own
 * plugins are built from (request data parsing, schema steps, routing, security and
 * transport helpers). An app needs none of it; see docs/plugins.md.
 *
 * @module @aex/core/plugin
 */
// The app, as plugins and steps see it
export type { AexApp } from "./registry/app-ref";
export type { AppClasses } from "./app/app-classes";
export { listRoutes, type RouteInfo } from "./app/routes";

// The metadata registry and decorators
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
  ParameterDoc,
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
export {
  decoratorStep,
  withOpenApi,
  openApiOf,
  BUILD_FOR_APP,
  STEP_OPENAPI,
  type DecoratorStep,
  type StepBuilder,
} from "./registry/decorator-step";
export { guardedStep } from "./decorators/inject";
export type { RouteDecorator, RouteMismatch, RouteCheck } from "./decorators/route-decorator";
export type { AexClassDecorator } from "./decorators/controller";
export type { ParamNames } from "./router/path-params";

// Steps and the line
export type { StepResult } from "./pipeline/types";
export { CompactContext } from "./pipeline/compact-context";
export { runLine } from "./pipeline/run-line";
export { isPromise } from "./pipeline/is-promise";
export { toStep, methodStep, type AnyStepFunction } from "./pipeline/to-step";

// The response phase
export type { ResponseHooks, ResponsePhase, OnSend, OnStream, OnResponse, SendBody } from "./http/response-hooks";
export type { JsonWriter } from "./http/response";
export { sentLength } from "./ops/sent-length";

// Errors of a package's own
export { AEX_ERROR_CODES, defineSetupErrors, type AexErrorCode } from "./errors/aex-error";
export { toHttpError, HTTP_ERROR_CODES } from "./errors/http-error";
export { toProblem, problemPage } from "./errors/problem";
export { sendError, type ErrorContext } from "./http/send-error";
export { prefersHtml } from "./http/negotiate";

// Requests, responses and scope
export { RequestCookies, ResponseCookies } from "./http/cookies";
export type { SharedScope, DebugFactory, DebugLogger } from "./scope/scope";
export { ScopeTime } from "./scope/scope-time";
export type { AexLogger, LoggerOption } from "./ops/logger";
export { createLogger } from "./ops/logger";
export { RequestIds, isSafeRequestId } from "./ops/request-id";
export type { ClosePhase } from "./ops/shutdown";

// Request data: the steps behind @body, @query, @formdata, @filter and schemas
export { readQuery } from "./parsers/read-query";
export { bodyStep, type BodyType } from "./parsers/body";
export { formdataStep, DEFAULT_FORMDATA_LIMITS } from "./parsers/formdata";
export { stripPrototypeKeys } from "./parsers/prototype-keys";
export { parseJson } from "./parsers/parse-json";
export { DEFAULT_BODY_LIMITS, type BodyLimits } from "./parsers/body-limits";
export {
  filterStep,
  filterFailure,
  type FilterCheck,
  type FilterFailure,
  type FilterFallback,
  type FilterSource,
} from "./validation/filter";
export { RULE_TYPES, type RuleType } from "./validation/filter-rule";
export { compileObject, codePoints, type ObjectCheck } from "./validation/compile-rules";
export { isStandardSchema } from "./schema/standard-schema";
export { runSchema, toFieldErrors, type SchemaOutcome } from "./schema/run-schema";
export { schemaStep, type SchemaSource, type SchemaOptions } from "./schema/schema-step";
export {
  schemaDecorator,
  type SchemaDecorator,
  type SchemaCheck,
  type SchemaMismatch,
  type SchemaRecord,
} from "./schema/schema-decorator";
export type { GeneratedError } from "./validation/error";
export { serveStep } from "./static/serve";
export { pagination, type PaginationSource } from "./helpers/paginate";

// Routing
export { RouteTable, ANY_METHOD, type RouteEntry } from "./router/route-table";
export type { RouterMiddleware } from "./router/router";
export { routeParams } from "./router/route-params";
export { pathOf } from "./router/path-of";

// Security and transport
export { DEFAULT_CSP, resolveSecurityHeaders, type SecurityHeaders } from "./security/headers";
export { compileTrust, type TrustFunction } from "./security/trust-proxy";
export { isSecure } from "./security/is-secure";
export { clientIp } from "./guards/client-ip";
export { safeEqual } from "./guards/constant-time";
export { guardLog } from "./guards/guard-log";
export { createTransportServer, type TransportServer } from "./http2/transport";
export { http2Classes, type Http2Classes } from "./http2/http2-classes";
export { upgradeAnswered } from "./http/upgrade-answered";
export {
  nativeUpgrade,
  allowWebSocketPayload,
  type NativeUpgrade,
  type NativeWebSocket,
  type NativeWebSocketEvents,
} from "./fetch/native-websocket";
export { closeRedisClient, type ClosableRedisClient } from "./helpers/close-redis-client";

// Dependencies: the stores and adapters aex.start() waits for and readiness reports
export {
  addDependency,
  isDependency,
  dependencyStates,
  DEPENDENCY_ERROR_CODES,
  type Dependency,
  type DependencyState,
  type DependencyOptions,
} from "./ops/dependencies";
export { RedisReadiness, type ConnectableRedisClient } from "./helpers/redis-readiness";

// Replay logs of resumable SSE routes: what a store of your own implements
export type {
  ReplayEntry,
  ReplayRead,
  ReplayListener,
  RedisReplayClient,
  RedisReplaySubscriber,
  RefetchReason,
  ReplaySink,
  Following,
} from "./sse";
export { followChannel, ReplayDelivery } from "./sse";
export { FanOut } from "./helpers/fan-out";
