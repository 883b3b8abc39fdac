import type { Transform } from "node:stream";
import { isPromise } from "../pipeline/is-promise";

// The response phase's mechanism, generic in the request, response and scope types so that
// it imports none of them; http/response-hooks.ts binds it to Aex's.

/** A body as the response phase sees it: what `res.end(body)` sends, `null` for none. */
export type SendBody = string | Buffer | null;

/** See `OnSend` (http/response-hooks.ts). */
export type SendHook<Req, Res, S> = (
  req: Req,
  res: Res,
  scope: S,
  body: SendBody,
) => SendBody | undefined | PromiseLike<SendBody | undefined>;

/** See `OnStream` (http/response-hooks.ts). */
export type StreamHook<Req, Res, S> = (req: Req, res: Res, scope: S) => Transform | null | undefined;

/** See `OnResponse` (http/response-hooks.ts). */
export type EndHook<Req, Res, S> = (req: Req, res: Res, scope: S) => void;

/** See `ResponseHooks` (http/response-hooks.ts). */
export interface Hooks<Req, Res, S> {
  readonly key?: symbol;
  readonly onSend?: SendHook<Req, Res, S>;
  readonly onStream?: StreamHook<Req, Res, S>;
  readonly onResponse?: EndHook<Req, Res, S>;
}

/**
 * A route's response phase, compiled at `prepare()`: each slot is one function, or `null`
 * when no hook fills it, so a response without hooks pays one comparison per slot.
 */
export interface Phase<Req, Res, S> {
  readonly onSend: SendHook<Req, Res, S> | null;
  /** The transforms a streamed body goes through, in order (piped one into the next). */
  readonly onStream: ((req: Req, res: Res, scope: S) => Transform[]) | null;
  readonly onResponse: EndHook<Req, Res, S> | null;
  /** The hooks it was made of, in order (a route's phase is made from the app's and its own). */
  readonly hooks: readonly Hooks<Req, Res, S>[];
}

/** The phase of a route with no hooks. */
export const EMPTY_PHASE: Phase<unknown, unknown, unknown> = Object.freeze({
  onSend: null,
  onStream: null,
  onResponse: null,
  hooks: [],
});

/** @internal A response's phase: its route's, else its app's (on the app's prototype). */
export const PHASE: unique symbol = Symbol("aex.responsePhase");
/** @internal A response's request scope, which hooks get. */
export const SCOPE: unique symbol = Symbol("aex.scope");

/**
 * The phase of `own` hooks (a route's, innermost first) run before `outer` ones (the app's):
 * what the handler sends reaches the route's hooks first (a cache stores the body before it is
 * compressed). An own hook replaces an outer one with the same key; an own hook that has no
 * function at all (`{ key }`) only removes it.
 */
export function compilePhase<Req, Res, S>(
  own: readonly Hooks<Req, Res, S>[],
  outer: readonly Hooks<Req, Res, S>[] = [],
): Phase<Req, Res, S> {
  if (own.length === 0 && outer.length === 0) return EMPTY_PHASE;
  const replaced = new Set(own.flatMap((hooks) => (hooks.key === undefined ? [] : [hooks.key])));
  const hooks = [...own, ...outer.filter((hooks) => hooks.key === undefined || !replaced.has(hooks.key))];
  const slot = <K extends "onSend" | "onStream" | "onResponse">(name: K) =>
    hooks.flatMap((h) => (h[name] === undefined ? [] : [h[name]])) as NonNullable<Hooks<Req, Res, S>[K]>[];
  return {
    onSend: chainSend(slot("onSend")),
    onStream: chainStream(slot("onStream")),
    onResponse: chainEnd(slot("onResponse")),
    hooks,
  };
}

function chainSend<Req, Res, S>(sends: readonly SendHook<Req, Res, S>[]): SendHook<Req, Res, S> | null {
  if (sends.length === 0) return null;
  if (sends.length === 1) return sends[0];
  return (req, res, scope, body) => runSends(sends, 0, req, res, scope, body);
}

/** Each hook gets the body the one before it returned; synchronous while the hooks are. */
function runSends<Req, Res, S>(
  sends: readonly SendHook<Req, Res, S>[],
  from: number,
  req: Req,
  res: Res,
  scope: S,
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

function chainStream<Req, Res, S>(streams: readonly StreamHook<Req, Res, S>[]): Phase<Req, Res, S>["onStream"] {
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

function chainEnd<Req, Res, S>(ends: readonly EndHook<Req, Res, S>[]): EndHook<Req, Res, S> | null {
  if (ends.length === 0) return null;
  if (ends.length === 1) return ends[0];
  return (req, res, scope) => {
    for (const end of ends) end(req, res, scope);
  };
}
