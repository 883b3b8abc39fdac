import { EventEmitter } from "node:events";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import debug from "debug";
import { AexError } from "../errors/aex-error";
import { HttpError, toHttpError } from "../errors/http-error";
import { AexRequest } from "../http/request";
import { AexResponse } from "../http/response";
import { sendError, sendNotFound } from "../http/send-error";
import { createTransportServer, type TransportOptions } from "../http2/transport";
import { startArguments, type StartOptions } from "../http2/start-options";
import { runLine } from "../pipeline/run-line";
import type { IAsyncMiddleware, Step } from "../pipeline/types";
import { createDispatcher, type CompiledRoute } from "../router/dispatch";
import { pathOf } from "../router/path-of";
import { RouteTable } from "../router/route-table";
import { COMPILE, Router, type RouterMiddleware } from "../router/router";
import { Scope, type ScopeBag, type SharedScope } from "../scope/scope";
import { compileController, type BoundListener, type Constructor } from "./compile-controller";
import { resolveOptions, type AexOptions, type ResolvedOptions } from "./options";
import { TestClient } from "../testing/test-client";
import { Watchdog } from "./watchdog";

const log = debug("aex:app");
const logError = debug("aex:error");

/** Which app serves each server Aex made, so a WebSocket server can join its app. */
const apps = new WeakMap<object, Aex>();

/** The node HTTP server of an Aex app, made with Aex's request and response classes. */
export type AexServer = Server<typeof AexRequest, typeof AexResponse>;

/** A custom error handler: answer `error` (already an {@link HttpError}) yourself. */
export type ErrorHandler = (error: HttpError, req: AexRequest, res: AexResponse, scope: Scope) => unknown;

/**
 * An Aex web app: push controller classes and middlewares, `prepare()` them into one
 * request line, `start()` serving it.
 *
 * @example
 * class HelloAex {
 *   constructor(private name: string) {}
 *   @http("*", "*")
 *   all(req, res, scope) { res.end("Hello from " + this.name + "!"); }
 * }
 * const aex = new Aex();
 * aex.push(HelloAex, "Eric");
 * await aex.prepare().start(8080);
 */
export class Aex {
  /** The emitter `@listen` methods listen on; `scope.emitter`. */
  readonly emitter: EventEmitter;
  /** Data shared by all requests: `scope.outer` / `scope.global`. */
  readonly global: ScopeBag = {};
  /** ORM objects shared by all requests: `scope.orm`. */
  readonly orm: ScopeBag = {};
  /** The node HTTP server, once `start()` or `createServer()` made it. */
  server?: AexServer;

  private readonly options: ResolvedOptions;
  private readonly shared: SharedScope;
  private readonly middlewares: Step[] = [];
  private readonly pushed = new Map<Constructor, readonly unknown[]>();
  private readonly closeHooks: (() => unknown)[] = [];
  private readonly watchdog: Watchdog;
  private listeners: BoundListener[] = [];
  private line: readonly Step[] = [];
  private prepared = false;
  private closing = false;
  private notFoundHandler: IAsyncMiddleware | null = null;
  private errorHandler: ErrorHandler | null = null;

  /** The app whose `createServer()`/`start()` made `server`, if any. */
  static of(server: object): Aex | undefined {
    return apps.get(server);
  }

  constructor(options?: AexOptions);
  constructor(emitter?: EventEmitter, options?: AexOptions);
  constructor(emitterOrOptions?: EventEmitter | AexOptions, options?: AexOptions) {
    const isEmitter = emitterOrOptions instanceof EventEmitter;
    this.emitter = isEmitter ? emitterOrOptions : new EventEmitter();
    this.options = resolveOptions(isEmitter ? options : (emitterOrOptions ?? options));
    this.shared = { outer: this.global, orm: this.orm, emitter: this.emitter };
    this.watchdog = new Watchdog(this.options.handlerTimeout, (res) => this.timedOut(res));
  }

  /**
   * Adds a global middleware (or a {@link Router}); they run in the order added, before
   * any route's own steps. Returning `false` ends the line.
   */
  use(middleware: IAsyncMiddleware | Router): this {
    this.assertNotPrepared();
    const step = middleware instanceof Router ? middleware.toMiddleware() : middleware;
    if (typeof step !== "function") throw new AexError("AEX_ERR_MIDDLEWARE_INVALID", typeof step);
    this.middlewares.push(step);
    return this;
  }

  /**
   * Registers a controller class; `prepare()` creates it as `new Class(...args)`.
   * A class can be pushed once per app.
   */
  push<C extends Constructor>(Class: C, ...args: ConstructorParameters<C>): this {
    this.assertNotPrepared();
    if (typeof Class !== "function" || typeof Class.prototype !== "object") {
      throw new AexError("AEX_ERR_PUSH_NOT_CLASS", typeof Class);
    }
    if (this.pushed.has(Class)) throw new AexError("AEX_ERR_PUSH_DUPLICATE", Class.name);
    this.pushed.set(Class, args);
    return this;
  }

  /** Answers requests no route matched (default: a JSON 404). */
  setNotFoundHandler(handler: IAsyncMiddleware): this {
    if (typeof handler !== "function") throw new AexError("AEX_ERR_MIDDLEWARE_INVALID", typeof handler);
    this.notFoundHandler = handler;
    return this;
  }

  /** Answers errors yourself; if the handler leaves the response unsent, the default answers. */
  setErrorHandler(handler: ErrorHandler): this {
    if (typeof handler !== "function") throw new AexError("AEX_ERR_MIDDLEWARE_INVALID", typeof handler);
    this.errorHandler = handler;
    return this;
  }

  /** Runs `hook` when the app closes (packages use it to close their own sockets). */
  onClose(hook: () => unknown): this {
    this.closeHooks.push(hook);
    return this;
  }

  /**
   * Builds the request line: creates the pushed controllers, compiles their routes and
   * binds their listeners. Runs once; later calls return the app unchanged.
   */
  prepare(): this {
    if (this.prepared) return this;
    const table = new RouteTable<CompiledRoute>();
    for (const [Class, args] of this.pushed) {
      this.listeners.push(...compileController(this, Class, args, table, this.emitter));
    }
    for (const middleware of this.middlewares) (middleware as Partial<RouterMiddleware>)[COMPILE]?.();
    this.line =
      table.count > 0
        ? [...this.middlewares, createDispatcher(table, this.options.maxParamLength, true)]
        : [...this.middlewares];
    this.prepared = true;
    log("prepared %d classes, %d routes, %d middlewares", this.pushed.size, table.count, this.middlewares.length);
    return this;
  }

  /**
   * A node server serving this app (not listening yet); `start()` uses it. HTTP/1.1 by
   * default; `{ tls }` makes it HTTPS, `{ tls, http2: true }` HTTP/2 with HTTP/1.1 fallback.
   */
  createServer(transport?: TransportOptions): AexServer {
    this.server ??= createTransportServer(
      transport,
      { ...this.options.server, IncomingMessage: AexRequest, ServerResponse: AexResponse },
      this.handle,
    );
    apps.set(this.server, this);
    this.watchdog.start();
    return this.server;
  }

  /**
   * Starts serving on `port` (default 3000; 0 picks a free one) and `ip` (default
   * `localhost`); resolves to the node server, also `aex.server`. Also
   * `start(port, { host, tls, http2 })` and `start({ port, host, tls, http2 })`.
   */
  async start(port?: number, ip?: string, prepare?: boolean): Promise<AexServer>;
  async start(port: number, options: StartOptions): Promise<AexServer>;
  async start(options: StartOptions): Promise<AexServer>;
  async start(a?: number | StartOptions, b?: string | StartOptions, c?: boolean): Promise<AexServer> {
    const { port, host: ip, prepare, transport } = startArguments(a, b, c);
    if (prepare || !this.prepared) this.prepare();
    const server = this.createServer(transport);
    if (!server.listening) {
      await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(port, ip, () => {
          server.off("error", reject);
          resolve();
        });
      });
    }
    log("listening on %s:%d", ip, this.port);
    return server;
  }

  /**
   * An in-process client for tests: requests go through the whole pipeline without a
   * port. `await aex.inject().get("/").execute()`.
   */
  inject(): TestClient {
    return new TestClient(this);
  }

  /** The port the server listens on, once started. */
  get port(): number | undefined {
    const address = this.server?.address();
    return typeof address === "object" && address !== null ? (address as AddressInfo).port : undefined;
  }

  /**
   * Stops accepting connections, lets in-flight requests finish (cutting them after
   * `closeTimeout`), removes `@listen` listeners and runs `onClose` hooks.
   */
  async close(): Promise<void> {
    this.closing = true;
    for (const { event, listener } of this.listeners) this.emitter.off(event, listener);
    this.listeners = [];
    for (const hook of this.closeHooks) await hook();
    const server = this.server;
    if (server?.listening) {
      await new Promise<void>((resolve) => {
        const force = setTimeout(() => server.closeAllConnections(), this.options.closeTimeout);
        force.unref();
        server.close(() => {
          clearTimeout(force);
          resolve();
        });
        server.closeIdleConnections();
      });
    }
    this.watchdog.stop();
  }

  /**
   * The request listener: use it with your own server made by `aex.createServer()`'s
   * classes. Never throws; every failure becomes a response.
   *
   * This is the hot path -- change with care! A line of synchronous steps runs without
   * a promise, and only responses still unanswered after it are watched for timeouts.
   */
  readonly handle = (req: AexRequest, res: AexResponse): void => {
    if (!this.prepared) this.prepare();
    if (this.closing) res.shouldKeepAlive = false;
    const scope = new Scope(this.shared, res.startedAt);
    let completed: boolean | Promise<boolean>;
    try {
      completed = runLine(this.line, req, res, scope);
    } catch (error) {
      void this.fail(error, req, res, scope);
      return;
    }
    if (completed === false || (completed === true && req.routed)) {
      if (!res.writableEnded) this.watchdog.watch(res);
    } else if (completed === true) {
      if (this.notFoundHandler === null && !res.answered) sendNotFound(res, req.method, pathOf(req.url));
      else void this.settle(true, req, res, scope);
    } else {
      this.watchdog.watch(res);
      void this.finish(completed, req, res, scope);
    }
  };

  /** Waits for an asynchronous line, then settles it (one promise, no closures). */
  private async finish(line: Promise<boolean>, req: AexRequest, res: AexResponse, scope: Scope): Promise<void> {
    let completed: boolean;
    try {
      completed = await line;
    } catch (error) {
      await this.fail(error, req, res, scope);
      return;
    }
    await this.settle(completed, req, res, scope);
  }

  /** After the line: the 404 when nothing answered, and the end of the timeout watch. */
  private async settle(completed: boolean, req: AexRequest, res: AexResponse, scope: Scope): Promise<void> {
    try {
      if (completed && !req.routed && !res.answered) await this.notFound(req, res, scope);
    } catch (error) {
      await this.fail(error, req, res, scope);
    }
    if (res.writableEnded) this.watchdog.release(res);
    else this.watchdog.watch(res);
  }

  private async notFound(req: AexRequest, res: AexResponse, scope: Scope): Promise<void> {
    if (this.notFoundHandler !== null) {
      await this.notFoundHandler(req, res, scope);
      return;
    }
    sendError(
      res,
      new HttpError(404, `Cannot ${req.method} ${pathOf(req.url)}`, { code: "AEX_NOT_FOUND" }),
      this.options.production,
    );
  }

  private async fail(error: unknown, req: AexRequest, res: AexResponse, scope: Scope): Promise<void> {
    const httpError = toHttpError(error);
    logError("%s %s → %d: %O", req.method, req.url, httpError.status, httpError.cause ?? httpError);
    if (this.errorHandler !== null) {
      try {
        await this.errorHandler(httpError, req, res, scope);
        if (res.answered) return;
      } catch (handlerError) {
        logError("the error handler failed: %O", handlerError);
      }
    }
    sendError(res, httpError, this.options.production);
  }

  private timedOut(res: AexResponse): void {
    logError("%s %s: no answer after %d ms", res.req.method, res.req.url, this.options.handlerTimeout);
    sendError(
      res,
      new HttpError(503, "The request was not answered in time", { code: "AEX_HANDLER_TIMEOUT", expose: true }),
      this.options.production,
    );
  }

  private assertNotPrepared(): void {
    if (this.prepared) throw new AexError("AEX_ERR_ALREADY_PREPARED");
  }
}
