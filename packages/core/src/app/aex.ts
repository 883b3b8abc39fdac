import cluster from "node:cluster";
import { EventEmitter } from "node:events";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import { setTimeout as sleep } from "node:timers/promises";
import debug from "debug";
import type { Logger } from "pino";
import { AexError } from "../errors/aex-error";
import { HttpError, toHttpError } from "../errors/http-error";
import { AexRequest } from "../http/request";
import { AexResponse } from "../http/response";
import { acceptAbsoluteForm } from "../http/request-target";
import { hasValidHost, invalidHost } from "../http/host";
import { sendError, sendNotFound } from "../http/send-error";
import { createLogger } from "../ops/logger";
import { RequestIds } from "../ops/request-id";
import { requestLogger } from "../ops/request-log";
import { CloseHooks, drain, handleSignals, type ClosePhase } from "../ops/shutdown";
import { createTransportServer, type TransportOptions } from "../http2/transport";
import { startArguments, type ClusterStartOptions, type StartOptions } from "../http2/start-options";
import { startWorkers } from "../helpers/cluster";
import { runLine } from "../pipeline/run-line";
import type { IAsyncMiddleware, Step } from "../pipeline/types";
import { createDispatcher, type CompiledRoute } from "../router/dispatch";
import { pathOf } from "../router/path-of";
import { matchesEveryPath } from "../router/route-path";
import { RouteTable } from "../router/route-table";
import { COMPILE, METHODS_AT, Router, type RouterMiddleware } from "../router/router";
import { PathMethods, type KnownPath, type MethodsAt, type UpgradesAt } from "../router/path-methods";
import { AttachedUpgrades } from "../router/attached-upgrades";
import { BUILD_FOR_APP, RESPONSE_HOOKS, type DecoratorStep } from "../registry/decorator-step";
import { compilePhase, PHASE, SCOPE, type ResponseHooks } from "../http/response-phase";
import { Scope, type ScopeBag, type SharedScope } from "../scope/scope";
import { listRoutes, type RouteInfo } from "./routes"; // issue 15
import { compileController, type BoundListener, type Constructor } from "./compile-controller";
import { resolveOptions, type AexOptions, type ResolvedOptions } from "./options";
import type { AexPlugin } from "./plugin";
import { appClasses, type AppClasses } from "./app-classes";
import { TestClient } from "../testing/test-client";
import { Watchdog } from "./watchdog";
import { answerOptions, methodMismatch } from "./method-not-allowed";

const log = debug("aex:app");

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

/** Which app serves each server Aex made, so a WebSocket server can join its app. */
const apps = new WeakMap<object, Aex>();

/** The node HTTP server of an Aex app, made with Aex's request and response classes. */
export type AexServer = Server<typeof AexRequest, typeof AexResponse>;

/** Where an app is in its life: readiness is true only while `serving`. */
export type AexState = "starting" | "serving" | "closing" | "closed";

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
  /** The app's options, defaults filled in (plugins read them). */
  readonly options: ResolvedOptions;
  /**
   * This app's own request and response classes (subclasses of {@link AexRequest} and
   * {@link AexResponse}): plugins add helpers to their prototypes, so two apps in one
   * process never see each other's helpers.
   */
  readonly Request: AppClasses["Request"];
  /** This app's own response class (see {@link Aex.Request}). */
  readonly Response: AppClasses["Response"];
  /**
   * The app's pino logger (`new Aex({ logger })`): errors, warnings, and one line per
   * request when `logRequests` is on. `scope.log` is its child for one request.
   */
  readonly log: Logger;
  /** `starting` until `start()` listens, `serving`, then `closing` and `closed`. */
  phase: AexState = "starting";

  private readonly shared: SharedScope;
  private readonly middlewares: Step[] = [];
  private readonly pushed = new Map<Constructor, readonly unknown[]>();
  private readonly closeHooks = new CloseHooks();
  private readonly requestIds: RequestIds;
  /** App-wide response hooks (`addResponseHooks`, the request log, `aex.use` steps' hooks). */
  private readonly responseHooks: ResponseHooks[] = [];
  /** Whether any route's response phase has `onResponse` hooks: responses are then watched for their end. */
  private watchEnds = false;
  private removeSignalHandlers: (() => void) | null = null;
  /** In a cluster's primary, the port its workers listen on. */
  private clusterPort: number | undefined;
  private closed: Promise<void> | null = null;
  private readonly watchdog: Watchdog;
  private readonly plugins = new Set<object>();
  private readonly states = new Map<object | symbol, unknown>();
  private readonly attached: AttachedUpgrades;
  private listeners: BoundListener[] = [];
  private line: readonly Step[] = [];
  private upgradeLine: readonly Step[] = [];
  private upgradeRoutes = 0;
  private prepared = false;
  private closing = false;
  private notFoundHandler: IAsyncMiddleware | null = null;
  /** Which methods a path has, for requests no route answered; `null` with `methodNotAllowed: false`. */
  private pathMethods: PathMethods | null = null;
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
    // Operations: the logger, request ids, the per-request log line (docs/operations.md).
    this.log = createLogger(this.options.logger, this.options.logLevel, this.options.dev);
    this.requestIds = new RequestIds(this.options.requestId);
    if (this.options.logRequests) this.responseHooks.push({ onResponse: requestLogger(this.log) });
    this.shared = { outer: this.global, orm: this.orm, emitter: this.emitter, log: this.log };
    this.watchdog = new Watchdog(this.options.handlerTimeout, (res) => this.timedOut(res));
    this.attached = new AttachedUpgrades(this.options.maxParamLength);
    ({ Request: this.Request, Response: this.Response } = appClasses(this, this.watchdog));
  }

  /**
   * Adds a plugin (see {@link AexPlugin}): its `setup(app, options)` runs now. Before
   * `prepare()` only; a plugin joins an app once.
   *
   * @example
   * aex.register(poweredBy, { name: "notes" });
   */
  register<O>(plugin: AexPlugin<O>, options?: O): this {
    this.assertNotPrepared();
    if (typeof plugin?.setup !== "function") throw new AexError("AEX_ERR_PLUGIN_INVALID", typeof plugin);
    if (this.plugins.has(plugin)) throw new AexError("AEX_ERR_PLUGIN_DUPLICATE", plugin.name);
    this.plugins.add(plugin);
    plugin.setup(this, options);
    log("registered plugin %s", plugin.name);
    return this;
  }

  /** Whether `plugin` is registered on this app. */
  has(plugin: AexPlugin<never>): boolean {
    return this.plugins.has(plugin);
  }

  /**
   * The app's own value under `key`, made by `create` on first use: where plugins keep
   * per-app state (a store, a hub of sockets) instead of module-level maps.
   */
  state<T>(key: object | symbol, create: () => T): T;
  /** The app's value under `key`, if any (nothing is made). */
  state<T>(key: object | symbol): T | undefined;
  state<T>(key: object | symbol, create?: () => T): T | undefined {
    if (this.states.has(key) || create === undefined) return this.states.get(key) as T | undefined;
    const value = create();
    this.states.set(key, value);
    return value;
  }

  /**
   * Adds hooks to the response phase of every route (and of requests no route answered):
   * `onSend` sees the whole body before the head goes out (and may replace it), `onStream`
   * may put a transform in front of a streamed body, `onResponse` runs once the answer is
   * over. Before `prepare()` only. Hooks run in the order added, after a route's own.
   *
   * @example
   * aex.addResponseHooks({ onResponse: (req, res) => counter.inc({ status: res.statusCode }) });
   */
  addResponseHooks(hooks: ResponseHooks): this {
    this.assertNotPrepared();
    if (typeof hooks !== "object" || hooks === null) throw new AexError("AEX_ERR_MIDDLEWARE_INVALID", typeof hooks);
    for (const slot of ["onSend", "onStream", "onResponse"] as const) {
      if (hooks[slot] !== undefined && typeof hooks[slot] !== "function") {
        throw new AexError("AEX_ERR_MIDDLEWARE_INVALID", `${slot} is ${typeof hooks[slot]}`);
      }
    }
    this.responseHooks.push(hooks);
    return this;
  }

  /** Adds a helper to this app's requests (`req[name]`), once, at setup. */
  decorateRequest(name: string, value: unknown): this {
    return this.decorate(this.Request.prototype, name, value);
  }

  /** Adds a helper to this app's responses (`res[name]`), once, at setup. */
  decorateResponse(name: string, value: unknown): this {
    return this.decorate(this.Response.prototype, name, value);
  }

  /**
   * Serves upgrades to `path` with `step`, after the app's middlewares and `@ws` routes,
   * even once the app is serving (a `WebSocketServer` made after `start()`). Returns
   * the function that detaches it.
   */
  attachUpgrade(path: string, step: Step): () => void {
    if (typeof step !== "function") throw new AexError("AEX_ERR_MIDDLEWARE_INVALID", typeof step);
    const detach = this.attached.attach(path, step);
    if (this.server !== undefined) this.listenForUpgrades(this.server);
    return detach;
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

  /**
   * Runs `hook` when the app closes. `phase: "resources"` (default) runs after every
   * request finished, last registered first: close stores and clients there.
   * `phase: "connections"` runs as soon as the server stops accepting, in registration
   * order: end WebSockets (1001) and SSE streams there, or draining waits for them.
   *
   * @example
   * aex.onClose(() => store.close());
   */
  onClose(hook: () => unknown, options: { phase?: ClosePhase } = {}): this {
    if (typeof hook !== "function") throw new AexError("AEX_ERR_MIDDLEWARE_INVALID", typeof hook);
    this.closeHooks.add(hook, options.phase ?? "resources");
    return this;
  }

  /** The routes of the pushed classes, read-only (OpenAPI, debugging): see app/routes.ts. */
  routes(): RouteInfo[] {
    return listRoutes(this.pushed.keys());
  } // issue 15 (OpenAPI)

  /**
   * Builds the request line: creates the pushed controllers, compiles their routes and
   * binds their listeners. Runs once; later calls return the app unchanged.
   */
  prepare(): this {
    if (this.prepared) return this;
    // Steps given to aex.use() that add response hooks add them for every route.
    for (const middleware of this.middlewares) {
      const hooks = (middleware as DecoratorStep)[RESPONSE_HOOKS]?.(this);
      if (hooks !== undefined) this.responseHooks.push(hooks);
    }
    const appPhase = compilePhase([], this.responseHooks);
    this.Response.prototype[PHASE] = appPhase;
    const table = new RouteTable<CompiledRoute>();
    const upgrades = new RouteTable<CompiledRoute>();
    this.watchEnds = appPhase.onResponse !== null;
    for (const [Class, args] of this.pushed) {
      const compiled = compileController(this, Class, args, { table, upgrades }, this.emitter, this.responseHooks);
      this.listeners.push(...compiled.listeners);
      if (compiled.watchesEnds) this.watchEnds = true;
    }
    // Routers compile with the app's limits (their own options win).
    const limits = { maxParamLength: this.options.maxParamLength };
    for (const middleware of this.middlewares) (middleware as Partial<RouterMiddleware>)[COMPILE]?.(limits);
    // Steps that need their app (a plugin's) are built for this one; some only add hooks.
    const middlewares: Step[] = [];
    for (const middleware of this.middlewares) {
      const build = (middleware as DecoratorStep)[BUILD_FOR_APP];
      const step = build === undefined ? middleware : build(this);
      if (step !== null) middlewares.push(step);
    }
    this.line =
      table.count > 0 ? [...middlewares, createDispatcher(table, this.options.maxParamLength, true)] : middlewares;
    // Upgrades walk the same middlewares, then the `@ws` routes, then attached servers.
    this.upgradeRoutes = upgrades.count;
    this.upgradeLine = [
      ...middlewares,
      ...(upgrades.count > 0 ? [createDispatcher(upgrades, this.options.maxParamLength, true)] : []),
      this.attached.step,
    ];
    if (this.options.methodNotAllowed) this.pathMethods = this.collectPathMethods(table, upgrades);
    this.prepared = true;
    log("prepared %d classes, %d routes, %d middlewares", this.pushed.size, table.count, this.middlewares.length);
    return this;
  }

  /** Every table a request can be routed through, asked only when no route answered it. */
  private collectPathMethods(table: RouteTable<CompiledRoute>, upgrades: RouteTable<CompiledRoute>): PathMethods {
    const http: MethodsAt[] = [];
    if (table.count > 0) http.push((path, missed, found) => table.methodsAt(path, missed, found));
    for (const middleware of this.middlewares) {
      const methodsAt = (middleware as Partial<RouterMiddleware>)[METHODS_AT];
      if (methodsAt !== undefined) http.push(methodsAt);
    }
    const upgradesAt: UpgradesAt[] = [(path) => this.attached.size > 0 && this.attached.has(path)];
    if (upgrades.count > 0) {
      // A `@ws("*")` route upgrades every path: it names none, so unknown paths keep their 404.
      upgradesAt.push((path) => {
        const entry = upgrades.find("GET", path, []);
        return entry !== null && !matchesEveryPath(entry.pattern);
      });
    }
    return new PathMethods(http, upgradesAt);
  }

  /**
   * A node server serving this app (not listening yet); `start()` uses it. HTTP/1.1 by
   * default; `{ tls }` makes it HTTPS, `{ tls, http2: true }` HTTP/2 with HTTP/1.1 fallback.
   */
  createServer(transport?: TransportOptions): AexServer {
    this.server ??= createTransportServer(
      transport,
      { ...this.options.server, IncomingMessage: this.Request, ServerResponse: this.Response },
      this.handle,
    );
    apps.set(this.server, this);
    if (this.upgradeRoutes > 0 || this.attached.size > 0) this.listenForUpgrades(this.server);
    this.watchdog.start();
    return this.server;
  }

  /**
   * Starts serving on `port` (default 3000; 0 picks a free one) and `ip` (default
   * `localhost`; `0.0.0.0` in a container); resolves to the node server, also
   * `aex.server`. Also `start(port, { host, tls, http2 })` and
   * `start({ port, host, tls, http2 })`. Unless `handleSignals: false`, SIGTERM and SIGINT
   * close the app gracefully and exit the process (docs/operations.md).
   */
  async start(port: number, options: ClusterStartOptions): Promise<AexServer | null>;
  async start(options: ClusterStartOptions): Promise<AexServer | null>;
  async start(port?: number, ip?: string, prepare?: boolean): Promise<AexServer>;
  async start(port: number, options: StartOptions): Promise<AexServer>;
  async start(options: StartOptions): Promise<AexServer>;
  async start(a?: number | StartOptions, b?: string | StartOptions, c?: boolean): Promise<AexServer | null> {
    const { port, host: ip, prepare, transport, workers } = startArguments(a, b, c);
    // A cluster's primary serves nothing itself: it forks workers that run this script again.
    if (workers !== null && cluster.isPrimary) {
      this.clusterPort = await startWorkers(workers);
      return null;
    }
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
    if (this.options.handleSignals && this.removeSignalHandlers === null) {
      this.removeSignalHandlers = handleSignals(() => this.close(), this.options.shutdownTimeout, this.log);
    }
    if (this.phase === "starting") this.phase = "serving";
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

  /** The port the server listens on, once started (in a cluster's primary: the workers' port). */
  get port(): number | undefined {
    const address = this.server?.address();
    if (typeof address === "object" && address !== null) return (address as AddressInfo).port;
    return this.clusterPort;
  }

  /**
   * Closes the app: readiness turns false (and, for `closeDelay` ms, the app keeps serving
   * so a load balancer takes it out first); new requests on kept-alive connections get
   * a 503 with `Connection: close`; the server stops accepting; `connections` hooks end
   * WebSockets and SSE streams; requests in flight finish (cut after `closeTimeout`);
   * then `@listen` listeners are removed and `resources` hooks close stores and clients,
   * so the process can exit on its own.
   */
  close(): Promise<void> {
    return (this.closed ??= this.closeOnce());
  }

  private async closeOnce(): Promise<void> {
    this.phase = "closing";
    if (this.options.closeDelay > 0 && this.server?.listening) await sleep(this.options.closeDelay);
    this.closing = true;
    const drained = this.server ? drain(this.server, this.options.closeTimeout) : Promise.resolve();
    await this.closeHooks.run("connections", this.log);
    await drained;
    for (const { event, listener } of this.listeners) this.emitter.off(event, listener);
    this.listeners = [];
    await this.closeHooks.run("resources", this.log);
    this.watchdog.stop();
    this.removeSignalHandlers?.();
    this.removeSignalHandlers = null;
    this.phase = "closed";
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
    if (!hasValidHost(req)) return void this.answerError(invalidHost(req), req, res);
    if (req.url?.charCodeAt(0) !== 47 /* / */) acceptAbsoluteForm(req);
    const id = this.requestIds.of(req);
    // Echoed when the head goes out (res.requestIdHeader), so a plain answer keeps node's
    // fast path for writing its head.
    req.id = id;
    if (this.closing) {
      this.refuseWhileClosing(req, res);
      return;
    }
    const scope = new Scope(this.shared, res.startedAt, res, id);
    res[SCOPE] = scope;
    if (this.watchEnds) res.once("close", endOfResponse);
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
      // The fast 404: no handler to call, and the path has no routes for other methods.
      if (
        this.notFoundHandler === null &&
        this.errorHandler === null &&
        !res.answered &&
        this.knownPath(req) === null
      ) {
        sendNotFound(res, req.method, pathOf(req.url), req.headers.accept, id);
      } else void this.settle(true, req, res, scope);
    } else {
      this.watchdog.watch(res);
      void this.finish(completed, req, res, scope);
    }
  };

  /**
   * The `upgrade` listener: the upgrade request walks the app's middlewares and route
   * steps like any request, on a response written straight to the socket, so a step
   * that refuses (401, 403…) answers its status before anything is upgraded. The route's
   * handler takes the socket (`res.socket`) and upgrades it.
   */
  readonly handleUpgrade = (req: AexRequest, socket: Duplex, head: Buffer): void => {
    if (!this.prepared) this.prepare();
    const hostIsValid = hasValidHost(req);
    if (req.url?.charCodeAt(0) !== 47 /* / */) acceptAbsoluteForm(req);
    // A client that resets mid-handshake must not become an unhandled error.
    socket.on("error", (error) => this.log.debug({ err: error }, "socket error during upgrade"));
    if (head.length > 0) socket.unshift(head);
    const res = new this.Response(req);
    res.shouldKeepAlive = false;
    res.assignSocket(socket as Parameters<AexResponse["assignSocket"]>[0]);
    res.once("finish", () => {
      if (res.socket === socket) res.detachSocket(socket as Parameters<AexResponse["detachSocket"]>[0]);
      socket.end();
    });
    // Same request id as an HTTP request: in the refusal's header and body, and in scope.log.
    const id = this.requestIds.of(req);
    req.id = id;
    if (this.options.requestId.echo) res.setHeader(this.options.requestId.header, id);
    if (!hostIsValid) return void this.answerError(invalidHost(req), req, res);
    const scope = new Scope(this.shared, res.startedAt, res, id);
    res[SCOPE] = scope;
    let completed: boolean | Promise<boolean>;
    try {
      completed = runLine(this.upgradeLine, req, res, scope);
    } catch (error) {
      void this.fail(error, req, res, scope);
      return;
    }
    if (completed === true) void this.settleUpgrade(true, req, res, scope);
    else if (completed !== false) void this.finishUpgrade(completed, req, res, scope);
  };

  private async finishUpgrade(line: Promise<boolean>, req: AexRequest, res: AexResponse, scope: Scope): Promise<void> {
    try {
      await this.settleUpgrade(await line, req, res, scope);
    } catch (error) {
      await this.fail(error, req, res, scope);
    }
  }

  private async settleUpgrade(completed: boolean, req: AexRequest, res: AexResponse, scope: Scope): Promise<void> {
    try {
      if (completed && !req.routed && !res.answered) await this.notFound(req, res, scope);
    } catch (error) {
      await this.fail(error, req, res, scope);
    }
  }

  private listenForUpgrades(server: AexServer): void {
    if (!server.listeners("upgrade").includes(this.handleUpgrade)) server.on("upgrade", this.handleUpgrade);
  }

  private decorate(prototype: object, name: string, value: unknown): this {
    this.assertNotPrepared();
    if (name in prototype) throw new AexError("AEX_ERR_PLUGIN_HELPER_TAKEN", name);
    Object.defineProperty(prototype, name, { value, writable: true, configurable: true });
    return this;
  }

  /**
   * Waits for an asynchronous line, then settles it as {@link settle} does, inline: one
   * async frame per request, no closures.
   */
  private async finish(line: Promise<boolean>, req: AexRequest, res: AexResponse, scope: Scope): Promise<void> {
    let completed: boolean;
    try {
      completed = await line;
    } catch (error) {
      await this.fail(error, req, res, scope);
      return;
    }
    try {
      if (completed && !req.routed && !res.answered) await this.missed(req, res, scope);
    } catch (error) {
      await this.fail(error, req, res, scope);
    }
    if (res.writableEnded) this.watchdog.release(res);
    else this.watchdog.watch(res);
  }

  /** After the line: the 405 or 404 when nothing answered, and the end of the timeout watch. */
  private async settle(completed: boolean, req: AexRequest, res: AexResponse, scope: Scope): Promise<void> {
    try {
      if (completed && !req.routed && !res.answered) await this.missed(req, res, scope);
    } catch (error) {
      await this.fail(error, req, res, scope);
    }
    if (res.writableEnded) this.watchdog.release(res);
    else this.watchdog.watch(res);
  }

  /**
   * What `req`'s path has routes for besides its method, when `methodNotAllowed` is on
   * (upgrade routes count over HTTP/1 only: HTTP/2 has no `Upgrade`).
   */
  private knownPath(req: AexRequest): KnownPath | null {
    if (this.pathMethods === null) return null;
    const path = pathOf(req.url);
    const method = req.method ?? "GET";
    // Only OPTIONS may target `*`, the server as a whole (RFC 9112 §3.2.4); for others it names nothing.
    if (path === "*" && method !== "OPTIONS") return null;
    return this.pathMethods.at(path, method, req.httpVersionMajor < 2);
  }

  /**
   * No route answered a (non-upgrade) request: OPTIONS gets 204 with `Allow`, a method
   * the path has no route for 405 with `Allow` (426 for a plain GET to a WebSocket path),
   * and a path without routes the 404.
   */
  private async missed(req: AexRequest, res: AexResponse, scope: Scope): Promise<void> {
    const known = this.knownPath(req);
    if (known === null) return this.notFound(req, res, scope);
    const method = req.method ?? "GET";
    if (method === "OPTIONS") return answerOptions(res, known);
    await this.answerError(methodMismatch(method, pathOf(req.url), known), req, res, scope);
  }

  private async notFound(req: AexRequest, res: AexResponse, scope: Scope): Promise<void> {
    if (this.notFoundHandler !== null) {
      await this.notFoundHandler(req, res, scope);
      return;
    }
    const path = pathOf(req.url);
    await this.answerError(
      new HttpError(404, `Cannot ${req.method} ${path}`, { code: "AEX_NOT_FOUND" }),
      req,
      res,
      scope,
    );
  }

  /**
   * The one error path: every error response of the app goes through here (a step or
   * handler that threw, a 404 with a custom error handler, a 405, a handler timeout, and, from
   * packages, render and `beforeEnd` failures and refused WebSocket upgrades). It logs
   * the error (5xx at `error` with its stack, 4xx at `info`), gives it to the custom
   * error handler, and unless that answered, sends problem details (or an HTML page to
   * a browser); messages and stacks of 5xx errors only in development.
   *
   * @example
   * // In a package: a failure after the line, answered like any other error.
   * void app.answerError(new HttpError(502, "Upstream failed"), req, res);
   */
  async answerError(error: unknown, req: AexRequest, res: AexResponse, scope?: Scope): Promise<void> {
    const httpError = toHttpError(error);
    const id = (req.id as string | undefined) ?? (req.id = this.requestIds.next());
    this.logError(httpError, req, id);
    if (this.errorHandler !== null) {
      const errorScope = scope ?? this.scopeFor(id);
      try {
        await this.errorHandler(httpError, req, res, errorScope);
        if (res.answered) return;
      } catch (handlerError) {
        this.log.error({ reqId: id, err: handlerError }, "the error handler failed");
      }
    }
    sendError(res, httpError, { dev: this.options.dev, requestId: id });
  }

  private logError(error: HttpError, req: AexRequest, id: string): void {
    const fields = { reqId: id, method: req.method, url: pathOf(req.url), status: error.status, code: error.code };
    // A bug (an unexposed 5xx) is an error with its stack; a deliberate 5xx (timeout,
    // shutdown, a store down) a warning; bad input is information.
    if (error.status < 500) this.log.info(fields, error.message);
    else if (error.expose) this.log.warn(fields, error.message);
    else this.log.error({ ...fields, err: error.cause instanceof Error ? error.cause : error }, error.message);
  }

  private scopeFor(id: string): Scope {
    return new Scope(this.shared, undefined, null, id);
  }

  private fail(error: unknown, req: AexRequest, res: AexResponse, scope: Scope): Promise<void> {
    return this.answerError(error, req, res, scope);
  }

  private timedOut(res: AexResponse): void {
    const error = new HttpError(503, "The request was not answered in time", {
      code: "AEX_HANDLER_TIMEOUT",
      expose: true,
    });
    void this.answerError(error, res.req, res);
  }

  /** While closing: a request on a kept-alive connection gets a 503 and the connection closes. */
  private refuseWhileClosing(req: AexRequest, res: AexResponse): void {
    res.shouldKeepAlive = false;
    // HTTP/2 has no Connection header (node refuses it); its sessions end with GOAWAY.
    if (req.httpVersionMajor < 2) res.setHeader("Connection", "close");
    const error = new HttpError(503, "The server is shutting down", { code: "AEX_SHUTTING_DOWN", expose: true });
    void this.answerError(error, req, res);
  }

  private assertNotPrepared(): void {
    if (this.prepared) throw new AexError("AEX_ERR_ALREADY_PREPARED");
  }
}
