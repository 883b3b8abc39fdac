import type { Transform } from "node:stream";
import type { AexRequest } from "./request";
import type { AexResponse } from "./response";
import type { Scope } from "../scope/scope";
import { isPromise } from "../pipeline/run-line";

/** A body as the response phase sees it: what `res.end(body)` sends, `null` for none. */
export type SendBody = string | Buffer | null;

/**
 * Runs before the head goes out, when the whole body is known (`res.end(body)`, `res.json`…).
 * May set the status and headers, and returns the body to send instead (`undefined` keeps
 * it). May return a promise (compressing a large body on the thread pool).
 */
export type OnSend = (
  req: AexRequest,
  res: AexResponse,
  scope: Scope,
  body: SendBody,
) => SendBody | undefined | PromiseLike<SendBody | undefined>;

/**
 * Runs before the head goes out when the body is streamed (`res.write` before `res.end`, a
 * piped file, `res.flushHeaders()`). May set the status and headers, and returns a transform
 * every chunk goes through (a compressor), or nothing to let chunks through as they are.
 */
export type OnStream = (req: AexRequest, res: AexResponse, scope: Scope) => Transform | null | undefined;

/**
 * Runs once the response is over: sent (`res.writableFinished`) or cut. For logs and metrics;
 * what it throws is logged, never answered.
 */
export type OnResponse = (req: AexRequest, res: AexResponse, scope: Scope) => void;

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
export interface ResponseHooks {
  /** Hooks with the same key replace each other; a route's own wins. */
  readonly key?: symbol;
  /** See {@link OnSend}. */
  readonly onSend?: OnSend;
  /** See {@link OnStream}. */
  readonly onStream?: OnStream;
  /** See {@link OnResponse}. */
  readonly onResponse?: OnResponse;
}

/**
 * A route's response phase, compiled at `prepare()`: each slot is one function, or `null`
 * when no hook fills it, so a response without hooks pays one comparison per slot.
 */
export interface ResponsePhase {
  readonly onSend: OnSend | null;
  /** The transforms a streamed body goes through, in order (piped one into the next). */
  readonly onStream: ((req: AexRequest, res: AexResponse, scope: Scope) => Transform[]) | null;
  readonly onResponse: OnResponse | null;
  /** The hooks it was made of, in order (a route's phase is made from the app's and its own). */
  readonly hooks: readonly ResponseHooks[];
}

/** The phase of a route with no hooks. */
export const EMPTY_PHASE: ResponsePhase = Object.freeze({ onSend: null, onStream: null, onResponse: null, hooks: [] });

/**
 * The phase of `own` hooks (a route's, innermost first) run before `outer` ones (the app's):
 * what the handler sends reaches the route's hooks first (a cache stores the body before it is
 * compressed). An own hook replaces an outer one with the same key; an own hook that has no
 * function at all (`{ key }`) only removes it.
 */
export function compilePhase(own: readonly ResponseHooks[], outer: readonly ResponseHooks[] = []): ResponsePhase {
  if (own.length === 0 && outer.length === 0) return EMPTY_PHASE;
  const replaced = new Set(own.flatMap((hooks) => (hooks.key === undefined ? [] : [hooks.key])));
  const hooks = [...own, ...outer.filter((hooks) => hooks.key === undefined || !replaced.has(hooks.key))];
  return {
    onSend: chainSend(hooks.flatMap((h) => (h.onSend === undefined ? [] : [h.onSend]))),
    onStream: chainStream(hooks.flatMap((h) => (h.onStream === undefined ? [] : [h.onStream]))),
    onResponse: chainResponse(hooks.flatMap((h) => (h.onResponse === undefined ? [] : [h.onResponse]))),
    hooks,
  };
}

function chainSend(sends: readonly OnSend[]): OnSend | null {
  if (sends.length === 0) return null;
  if (sends.length === 1) return sends[0];
  return (req, res, scope, body) => runSends(sends, 0, req, res, scope, body);
}

/** Each hook gets the body the one before it returned; synchronous while the hooks are. */
function runSends(
  sends: readonly OnSend[],
  from: number,
  req: AexRequest,
  res: AexResponse,
  scope: Scope,
  body: SendBody,
): SendBody | PromiseLike<SendBody> {
  for (let i = from; i < sends.length; i++) {
    const result = sends[i](req, res, scope, body);
    if (isPromise(result)) {
      return Promise.resolve(result).then((next) =>
        runSends(sends, i + 1, req, res, scope, next === undefined ? body : next),
      );
    }
    if (result !== undefined) body = result;
  }
  return body;
}

function chainStream(streams: readonly OnStream[]): ResponsePhase["onStream"] {
  if (streams.length === 0) return null;
  // Chunks go through the route's transforms first, then the app's (cache, then compress).
  return (req, res, scope) => {
    const transforms: Transform[] = [];
    for (const stream of streams) {
      const transform = stream(req, res, scope);
      if (transform !== null && transform !== undefined) transforms.push(transform);
    }
    return transforms;
  };
}

function chainResponse(responses: readonly OnResponse[]): OnResponse | null {
  if (responses.length === 0) return null;
  if (responses.length === 1) return responses[0];
  return (req, res, scope) => {
    for (const response of responses) response(req, res, scope);
  };
}

/** @internal A response's phase: its route's, else its app's (on the app's prototype). */
export const PHASE: unique symbol = Symbol("aex.responsePhase");
/** @internal A response's request scope, which hooks get. */
export const SCOPE: unique symbol = Symbol("aex.scope");
