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

/**
 * The same four listeners for every socket (no closures per connection): each finds its
 * handler on the socket.
 */
export function listenTo(socket: WebSocket, handler: WebSocketHandler): void {
  (socket as Adopted)[HANDLER] = handler;
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
