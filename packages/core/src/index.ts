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
  type FilterOptions,
  type FilterRules,
  type FilterFailure,
  type FilterFallback,
  type FilterSource,
} from "./validation/filter";
export { error, generateErrors, type ErrorDefinitions, type GeneratedError } from "./validation/error";

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

// Operations: compression
export { compress, type CompressOptions } from "./ops/compression";
export { negotiateEncoding, ENCODINGS, type Encoding } from "./ops/accept-encoding";
export { isCompressible } from "./ops/compressible";

// Transport: TLS and HTTP/2
export { createTransportServer, type TransportOptions, type TransportServer } from "./http2/transport";
export { http2Classes, type Http2Classes } from "./http2/http2-classes";
export type { StartOptions } from "./http2/start-options";

// Operations: metrics
export { metrics, UNMATCHED_ROUTE, type MetricsOptions, type MetricsStep, type WebSocketMetrics } from "./ops/metrics";

// Operations: the live telemetry page
export { telemetry, type TelemetryOptions, type TelemetryStep, type TelemetrySnapshot } from "./ops/telemetry";
