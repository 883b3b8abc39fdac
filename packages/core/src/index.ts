/**
 * The Aex framework: the app, the decorators of the AEX README and their steps, the router,
 * `Scope`, errors in problem details and the secure defaults. Optional features are entries
 * of their own (`@aex/core/cache`, `/compress`, `/cors`, `/csrf`, `/rate-limit`,
 * `/flood-guard`, `/health`, `/cluster`, `/method-override`, `/testing`), what plugin authors
 * need is `@aex/core/plugin`; OpenAPI is `@aex/openapi`, metrics `@aex/metrics`.
 *
 * @module @aex/core
 */
// The app
export { Aex, type AexServer, type AexState, type ErrorHandler, type AexPlugin } from "./app/aex";
export { AexBunServer } from "./fetch/bun-server";
export type { FetchInfo } from "./fetch/fetch-socket";
export type { AexOptions } from "./app/options";
export type { Constructor } from "./app/compile-controller";
export type { ClusterStartOptions, StartOptions } from "./http2/start-options";
export type { TransportOptions } from "./http2/transport";
export type { Http2Limits } from "./http2/limits";
export type { TrustProxy } from "./security/trust-proxy";

// Requests, responses, scope
export { AexRequest, type QueryValues, type RouteParams } from "./http/request";
export { AexResponse } from "./http/response";
export type { CookieOptions } from "./http/cookies";
export { Scope, type ScopeBag, type ScopeSlots, type UploadedFile, type Pagination } from "./scope/scope";

// Steps of the Web Straight Line
export type { IAsyncMiddleware, ICompactContext, ICompactedAsyncMiddleware, Step } from "./pipeline/types";

// Decorators
export { http, compact, get, post, put, patch, del } from "./decorators/http";
export type { Urls } from "./decorators/route-decorator";
export { controller } from "./decorators/controller";
export { inject, hook } from "./decorators/inject";
export { listen } from "./decorators/listen";
export { sse, EventStream, type SseHandler, type SseOptions } from "./sse";
export {
  MemoryReplayStore,
  RedisReplayStore,
  REFETCH_EVENT,
  type ReplayStore,
  type SseReplayOptions,
  type MemoryReplayStoreOptions,
  type RedisReplayStoreOptions,
} from "./sse";
export { query } from "./parsers/query";
export { body, type BodyOptions } from "./parsers/body";
export { formdata, type FormDataOptions } from "./parsers/formdata";
export { filter, type FilterOptions } from "./validation/filter";
export type { FilterRule, FilterRules } from "./validation/filter-rule";
export { params } from "./schema/schema-decorator";
export type { StandardSchemaV1 } from "./schema/standard-schema";
export type { ScopeWith } from "./schema/scope-with";
export type { RouteScope } from "./schema/route-scope";
export type { PathParams } from "./router/path-params";
export { error, generateErrors, type ErrorDefinitions } from "./validation/error";
export { rest, type RestOptions } from "./api/rest";
export { api } from "./api/api";
export { serve, assets, type ServeOptions } from "./static/serve";
export { headers } from "./security/headers-decorator";
export type { CspDirectives, SecurityHeadersOptions } from "./security/headers";

// Routing without decorators
export { Router, type RouterOptions } from "./router/router";

// Errors
export { AexError } from "./errors/aex-error";
export { HttpError, type HttpErrorOptions } from "./errors/http-error";
export type { Problem, FieldError } from "./errors/problem";

// Helpers
export { toAsyncMiddleware, type ExpressMiddleware } from "./helpers/to-async-middleware";
export { paginate } from "./helpers/paginate";
