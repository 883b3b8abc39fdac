import type { AexResponse, QueryValues, Scope, AexRequest } from "@aex/core";
import debug from "debug";
import type { RawData, WebSocket } from "ws";
import type { WebSocketHandler } from "./handler";

// What an adopted socket keeps: the listeners every socket shares, and the trims of its
// upgrade's request and response that an idle connection would otherwise hold (issue 29).

const log = debug("aex:ws");

/** Where a socket keeps its handler, for the listeners every socket shares. */
const HANDLER = Symbol("aex.ws.handler");
type Adopted = WebSocket & { [HANDLER]: WebSocketHandler };

/** The listener table node's EventEmitter keeps on an emitter. */
type Emitter = { _events: object; _eventsCount: number };

/**
 * The same four listeners for every socket (no closures per connection): each finds its
 * handler on the socket.
 */
export function listenTo(socket: WebSocket, handler: WebSocketHandler): void {
  (socket as Adopted)[HANDLER] = handler;
  const emitter = socket as unknown as Emitter;
  if (emitter._eventsCount === 0) {
    // The table `on` would make is `Object.create(null)`, a dictionary: ~280 bytes with these
    // four entries. The same entries, in the same order, in an object of a fixed shape without
    // a prototype take 56; EventEmitter reads, adds to and deletes from either alike, so
    // `on`, `off`, `emit`, `listeners` and `eventNames` answer as before (issue 29).
    emitter._events = Object.setPrototypeOf(
      { message: onMessage, pong: onPong, error: onError, close: onClose },
      null,
    ) as object;
    emitter._eventsCount = 4;
    return;
  }
  socket.on("message", onMessage);
  socket.on("pong", onPong);
  socket.on("error", onError);
  socket.on("close", onClose);
}

function onMessage(this: WebSocket, raw: RawData, isBinary: boolean): void {
  (this as Adopted)[HANDLER].receive(raw, isBinary);
}

function onPong(this: WebSocket): void {
  (this as Adopted)[HANDLER].alive = true;
}

function onError(this: WebSocket, error: Error): void {
  log("socket error: %s", error.message);
  (this as Adopted)[HANDLER].reportError(error);
}

function onClose(this: WebSocket, code: number, reason: Buffer): void {
  (this as Adopted)[HANDLER].closed(code, reason.toString());
}

/**
 * An upgrade's response is done once the 101 went out: what the line set on it (the
 * security headers, a cookie) was copied into the 101, and the scope keeps the response for
 * its CSP nonce only. Its header entries are dropped so that an idle connection does not
 * keep them (issue 29: about a kilobyte of 10 per idle connection).
 */
export function releaseHead(res: AexResponse): void {
  for (const name of res.getHeaderNames()) res.removeHeader(name);
}

/**
 * A connection keeps its upgrade's `req.query` for its life, and the query of an upgrade
 * without a query string is `Object.create(null)`: a dictionary of ~200 bytes for nothing.
 * An empty null-prototype object made from a literal is the same to every reader, in a
 * quarter of the memory (issue 29).
 */
export function compactEmptyQuery(req: AexRequest, scope: Scope): void {
  const query = req.query;
  if (query === undefined || Object.getPrototypeOf(query) !== null || Object.keys(query).length > 0) return;
  const compact = Object.setPrototypeOf({}, null) as QueryValues;
  req.query = compact;
  if (scope.query === query) scope.provide("query", compact);
}

/** The trailer lines of every upgrade request that had none (node never adds to them once the request is complete). */
const NO_TRAILERS: string[] = Object.freeze([]) as unknown as string[];

/**
 * A connection keeps its upgrade request for its life, as `handler.req`; its trailer lines,
 * an empty array (32 bytes), are one shared, frozen empty array for every such request: node
 * adds none once the request is complete, and `req.trailers` reads the same (issue 29).
 * (Its stream listener table stays: node 20's `eventNames()` throws on an absent one.)
 */
export function shareNoTrailers(req: AexRequest): void {
  const raw = Object.getOwnPropertyDescriptor(req, "rawTrailers");
  if (raw?.writable === true && Array.isArray(raw.value) && raw.value.length === 0) req.rawTrailers = NO_TRAILERS;
}
