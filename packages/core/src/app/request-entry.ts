import type { Duplex } from "node:stream";
import type { Logger } from "pino";
import { HttpError } from "../errors/http-error";
import type { AexRequest } from "../http/request";
import { acceptAbsoluteForm } from "../http/request-target";
import type { AexResponse } from "../http/response";
import { PHASE, SCOPE } from "../http/response-phase";
import { sendNotFound } from "../http/send-error";
import type { Watchdog } from "../http/watchdog";
import type { RequestIds } from "../ops/request-id";
import type { IAsyncMiddleware } from "../pipeline/types";
import { runLine } from "../pipeline/run-line";
import type { KnownPath } from "../router/path-methods";
import { pathOf } from "../router/path-of";
import { Scope, type SharedScope } from "../scope/scope";
import { hasValidHost, invalidHost } from "../security/host";
import { faultyFraming } from "../security/framing";
import type { CompiledApp } from "./compile-app";
import type { ErrorPath } from "./error-path";
import { answerOptions, methodMismatch } from "./method-not-allowed";

/** What the entry needs of its app: how to compile it, and its response class. */
export interface EntryHost {
  /** Compiles the app, once (a request that comes before `prepare()` compiles it). */
  prepare(): void;
  /** The app's response class: an upgrade's response is made with it. */
  readonly Response: typeof AexResponse;
  readonly log: Logger;
}

/**
 * The `close` listener of a response whose phase may have `onResponse` hooks (node calls it
 * with the response as `this`, so no closure is made per request): runs them once.
 */
function endOfResponse(this: AexResponse): void {
  const onResponse = this[PHASE].onResponse;
  if (onResponse === null) return;
  try {
    onResponse(this.req, this, this[SCOPE] as Scope);
  } catch (error) {
    this.app?.log.error({ err: error, reqId: this.req.id }, "a response hook failed");
  }
}

/**
 * The one way in: HTTP requests (`handle`) and upgrade requests (`handleUpgrade`) get the
 * same request id, Host check, refusal while closing, scope, response phase and log, walk
 * their line, and get the same 404/405 when nothing answered. Only the line differs, and an
 * upgrade's response is written straight to its socket.
 */
export class RequestEntry {
  /** What `prepare()` compiled; null before. */
  compiled: CompiledApp | null = null;
  /** The app's `setNotFoundHandler`, if any. */
  notFoundHandler: IAsyncMiddleware | null = null;
  /** Set by `close()`: new requests get a 503. */
  closing = false;

  constructor(
    private readonly host: EntryHost,
    private readonly shared: SharedScope,
    private readonly requestIds: RequestIds,
    private readonly watchdog: Watchdog<AexResponse>,
    private readonly errors: ErrorPath,
  ) {}

  /**
   * The request listener. Never throws; every failure becomes a response.
   *
   * This is the hot path -- change with care! A line of synchronous steps runs without
   * a promise, and only responses still unanswered after it are watched for timeouts.
   */
  readonly handle = (req: AexRequest, res: AexResponse): void => {
    // Before the target is rewritten: an absolute-form target names its host too.
    this.enter(req, res, false, hasValidHost(req));
  };

  /**
   * The way in for a transport that adapts another runtime's request (`aex.fetch`, Bun.serve:
   * fetch/fetch-entry.ts) and checked its Host itself: the runtime made the request's URL from
   * it, and has no raw header lines to count. Everything else is {@link RequestEntry.handle}'s.
   */
  readonly handleChecked = (req: AexRequest, res: AexResponse, hostIsValid: boolean): void => {
    this.enter(req, res, false, hostIsValid);
  };

  /**
   * The way in for an upgrade request of a transport with WebSockets of its own (Bun.serve:
   * fetch/fetch-upgrade.ts): the same upgrade line, on a response facade that upgrades
   * through the transport instead of handing over a socket.
   */
  readonly handleCheckedUpgrade = (req: AexRequest, res: AexResponse, hostIsValid: boolean): void => {
    this.enter(req, res, true, hostIsValid);
  };

  /**
   * The `upgrade` listener: the upgrade request walks the app's middlewares and route steps
   * like any request, on a response written straight to the socket, so a step that refuses
   * (401, 403…) answers its status before anything is upgraded. The route's handler takes
   * the socket (`res.socket`) and upgrades it.
   */
  readonly handleUpgrade = (req: AexRequest, socket: Duplex, head: Buffer): void => {
    // A client that resets mid-handshake must not become an unhandled error. One listener per
    // app, not a closure here: it stays on the socket for the connection's life, and a closure
    // would share this function's context with the `finish` listener below, keeping the
    // response alive with it (issue 29: ~1.5 KB per idle WebSocket).
    socket.on("error", this.upgradeSocketError);
    if (head.length > 0) socket.unshift(head);
    const res = new this.host.Response(req);
    res.shouldKeepAlive = false;
    // The handler takes the socket and may never end this response: no handler timeout.
    res.keepOpen = true;
    res.assignSocket(socket as Parameters<AexResponse["assignSocket"]>[0]);
    res.once("finish", () => {
      if (res.socket === socket) res.detachSocket(socket as Parameters<AexResponse["detachSocket"]>[0]);
      socket.end();
      // Detached, the response hears no `close` from its socket: its answer is over now.
      res.emit("close");
    });
    this.enter(req, res, true, hasValidHost(req));
  };

  private readonly upgradeSocketError = (error: Error): void =>
    void this.host.log.debug({ err: error }, "socket error during upgrade");

  private enter(req: AexRequest, res: AexResponse, upgrade: boolean, hostIsValid: boolean): void {
    const compiled = this.compiled ?? this.compile();
    if (req.url?.charCodeAt(0) !== 47 /* / */) acceptAbsoluteForm(req);
    // Echoed when the head goes out (res.requestIdHeader), in error bodies and in scope.log.
    const id = this.requestIds.of(req);
    req.id = id;
    // An upgrade's 101 is written by the socket's server from the headers set on `res`.
    if (upgrade && res.requestIdHeader !== null) res.setHeader(res.requestIdHeader, id);
    if (!hostIsValid) return void this.errors.answer(invalidHost(req), req, res);
    const framing = faultyFraming(req);
    if (framing !== null) return void this.errors.answer(framing, req, res);
    if (this.closing) return this.errors.refuseWhileClosing(req, res);
    const scope = new Scope(this.shared, res.startedAt, res, id);
    res[SCOPE] = scope;
    if (compiled.watchEnds) res.once("close", endOfResponse);
    let completed: boolean | Promise<boolean>;
    try {
      completed = runLine(upgrade ? compiled.upgradeLine : compiled.line, req, res, scope);
    } catch (error) {
      void this.errors.answer(error, req, res, scope);
      return;
    }
    if (completed === false || (completed === true && req.routed)) {
      if (!res.writableEnded) this.watchdog.watch(res);
    } else if (completed === true) {
      // The fast 404: no handler to call, and the path has no routes for other methods.
      if (
        this.notFoundHandler === null &&
        this.errors.handler === null &&
        !res.answered &&
        this.knownPath(req, compiled) === null
      ) {
        sendNotFound(res, req.method, pathOf(req.url), req.headers.accept, id);
      } else void this.settle(true, req, res, scope, upgrade);
    } else {
      this.watchdog.watch(res);
      void this.finish(completed, req, res, scope, upgrade);
    }
  }

  private compile(): CompiledApp {
    this.host.prepare();
    return this.compiled as CompiledApp;
  }

  /**
   * Waits for an asynchronous line, then settles it as {@link settle} does, inline: one async
   * frame per request, not two (measured on the echo scenario), and no closures.
   */
  private async finish(
    line: Promise<boolean>,
    req: AexRequest,
    res: AexResponse,
    scope: Scope,
    upgrade: boolean,
  ): Promise<void> {
    let completed: boolean;
    try {
      completed = await line;
    } catch (error) {
      await this.errors.answer(error, req, res, scope);
      return;
    }
    try {
      if (completed && !req.routed && !res.answered) await this.missed(req, res, scope, upgrade);
    } catch (error) {
      await this.errors.answer(error, req, res, scope);
    }
    if (res.writableEnded) this.watchdog.release(res);
    else this.watchdog.watch(res);
  }

  /** After the line: the 404 or 405 when nothing answered, and the end of the timeout watch. */
  private async settle(
    completed: boolean,
    req: AexRequest,
    res: AexResponse,
    scope: Scope,
    upgrade: boolean,
  ): Promise<void> {
    try {
      if (completed && !req.routed && !res.answered) await this.missed(req, res, scope, upgrade);
    } catch (error) {
      await this.errors.answer(error, req, res, scope);
    }
    if (res.writableEnded) this.watchdog.release(res);
    else this.watchdog.watch(res);
  }

  /**
   * What `req`'s path has routes for besides its method, when `methodNotAllowed` is on
   * (upgrade routes count over HTTP/1 only: HTTP/2 has no `Upgrade`).
   */
  private knownPath(req: AexRequest, compiled: CompiledApp): KnownPath | null {
    if (compiled.pathMethods === null) return null;
    const path = pathOf(req.url);
    const method = req.method ?? "GET";
    // Only OPTIONS may target `*`, the server as a whole (RFC 9112 §3.2.4); for others it names nothing.
    if (path === "*" && method !== "OPTIONS") return null;
    return compiled.pathMethods.at(path, method, req.httpVersionMajor < 2);
  }

  /**
   * No route answered: OPTIONS gets 204 with `Allow`, a method the path has no route for 405
   * with `Allow` (426 for a plain GET to a WebSocket path), and a path without routes the
   * 404. An upgrade to a path that has no upgrade route is a 404: its HTTP routes cannot
   * take a socket.
   */
  private async missed(req: AexRequest, res: AexResponse, scope: Scope, upgrade: boolean): Promise<void> {
    const known = this.knownPath(req, this.compiled as CompiledApp);
    if (known === null || (upgrade && !known.upgrade)) return this.notFound(req, res, scope);
    const method = req.method ?? "GET";
    if (method === "OPTIONS") return answerOptions(res, known);
    await this.errors.answer(methodMismatch(method, pathOf(req.url), known), req, res, scope);
  }

  private async notFound(req: AexRequest, res: AexResponse, scope: Scope): Promise<void> {
    if (this.notFoundHandler !== null) {
      await this.notFoundHandler(req, res, scope);
      return;
    }
    const path = pathOf(req.url);
    await this.errors.answer(
      new HttpError(404, `Cannot ${req.method} ${path}`, { code: "AEX_NOT_FOUND" }),
      req,
      res,
      scope,
    );
  }
}
