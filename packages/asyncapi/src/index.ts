/**
 * AsyncAPI 3.0 for Aex apps: the document of an app's `@ws` and `@sse` routes
 * (`buildAsyncApi`), served by a plugin (`aex.register(asyncapi())`), and `@sends` /
 * `@receives`, which declare the events a route carries and their schemas.
 *
 * @module @aex/asyncapi
 */
export { asyncapi, asyncapiOf, type ServeAsyncApiOptions } from "./asyncapi";
export { buildAsyncApi, type AsyncApiOptions } from "./build-document";
export type { AsyncApiServerOption } from "./servers";
export { sends, receives } from "./message-decorators";
export { messagesOf, type MessageDoc, type MessageAction } from "./message-doc";
export { ASYNCAPI_ERROR_CODES } from "./errors";
