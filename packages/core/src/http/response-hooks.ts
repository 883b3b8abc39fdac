import type { AexRequest } from "./request";
import type { AexResponse } from "./response";
import type { Scope } from "../scope/scope";
import type { EndHook, Hooks, Phase, SendHook, StreamHook } from "./response-phase";

export type { SendBody } from "./response-phase";

/**
 * Runs before the head goes out, when the whole body is known (`res.end(body)`, `res.json`…).
 * May set the status and headers, and returns the body to send instead (`undefined` keeps
 * it). May return a promise (compressing a large body on the thread pool).
 */
export type OnSend = SendHook<AexRequest, AexResponse, Scope>;

/**
 * Runs before the head goes out when the body is streamed (`res.write` before `res.end`, a
 * piped file, `res.flushHeaders()`). May set the status and headers, and returns a transform
 * every chunk goes through (a compressor), or nothing to let chunks through as they are.
 */
export type OnStream = StreamHook<AexRequest, AexResponse, Scope>;

/**
 * Runs once the response is over: sent (`res.writableFinished`) or cut. For logs and metrics;
 * what it throws is logged, never answered.
 */
export type OnResponse = EndHook<AexRequest, AexResponse, Scope>;

/**
 * What a plugin or step adds to the response phase: `aex.addResponseHooks(hooks)` for every
 * route, or a step definition's `response` for its route. Hooks with the same `key` replace
 * each other: a route's own (`@compress(options)`, `@compress(false)`) wins over the app's.
 *
 * @example
 * aex.addResponseHooks({
 *   onSend: (_req, res, _scope, body) => { res.setHeader("X-Body-Bytes", String(body?.length ?? 0)); },
 * });
 */
export type ResponseHooks = Hooks<AexRequest, AexResponse, Scope>;

/** A route's compiled response phase (see {@link ResponseHooks}). */
export type ResponsePhase = Phase<AexRequest, AexResponse, Scope>;
