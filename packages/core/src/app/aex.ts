// Over 350 lines: the app's public API with its TSDoc; the work is done beside it (compile-app,
// request-entry, error-path, lifecycle).
import { EventEmitter } from "node:events";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import debug from "debug";
import type { Logger } from "pino";
import { AexError } from "../errors/aex-error";
import type { AexRequest } from "../http/request";
import type { AexResponse } from "../http/response";
import type { ResponseHooks } from "../http/response-hooks";
import { Watchdog } from "../http/watchdog";
import { createLogger } from "../ops/logger";
import { RequestIds } from "../ops/request-id";
import { requestLogger } from "../ops/request-log";
import { CloseHooks, type ClosePhase } from "../ops/shutdown";
import { createTransportServer, type TransportOptions } from "../http2/transport";
import { AexBunServer } from "../fetch/bun-server";
import { FetchEntry } from "../fetch/fetch-entry";
import { FetchUpgradeEntry } from "../fetch/fetch-upgrade";
import type { FetchInfo } from "../fetch/fetch-socket";
import type { ClusterStartOptions, StartOptions } from "../http2/start-options";
import type { IAsyncMiddleware, Step } from "../pipeline/types";
import { AttachedUpgrades } from "../router/attached-upgrades";
import { Router } from "../router/router";
import type { Scope, ScopeBag, SharedScope } from "../scope/scope";
import { TestClient } from "../testing/test-client";
import { appClasses, type AppClasses } from "./app-classes";
import { compileApp } from "./compile-app";
import type { Constructor } from "./compile-controller";
import { Lifecycle } from "./lifecycle";
import { ErrorPath, type ErrorHandler } from "./error-path";
import { resolveOptions, type AexOptions, type ResolvedOptions } from "./options";
import { RequestEntry } from "./request-entry";
import { listRoutes, type RouteInfo } from "./routes";
import { validateOptions } from "./validate-options";

export type { ErrorHandler } from "./error-path";

const log = debug("aex:app");

declare module "../registry/app-ref" {
  // The app the layers below name (a step's build context, `res.app`, the test client).
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- merges Aex into AexApp
  interface AexApp extends Aex {}
}

/** Where a server Aex made keeps its app, so a WebSocket server can join it. */
const APP = Symbol("aex.app");

/** The node HTTP server of an Aex app, made with Aex's request and response classes. */
export type AexServer = Server<typeof AexRequest, typeof AexResponse>;

/** Where an app is in its life: readiness is true only while `serving`. */
export type AexState = "starting" | "serving" | "closing" | "closed";

/**
 * An extension of an Aex app, joined with `aex.register(plugin, options)` before
 * `prepare()`. `setup` runs once per app, with the API every plugin gets, core's own
 * (caching, compression, CSRF…) included: steps (`app.use`), response hooks
 * (`app.addResponseHooks`), per-app state (`app.state`), helpers on the app's request and
 * response prototypes (`app.decorateResponse`), typed Scope slots (declaration merging and
 * `Scope.defineSlot`), its options (`app.options`) and close hooks (`app.onClose`).
 * Decorator steps find what it set up through the app they get at `prepare()`.
 *
 * @example
 * const poweredBy: AexPlugin<{ name?: string }> = {
 *   name: "powered-by",
 *   setup(app, options) {
 *     app.use((_req, res) => void res.setHeader("X-Powered-By", options?.name ?? "Aex"));
 *   },
 * };
 * const aex = new Aex().register(poweredBy, { name: "notes" });
 */
export interface AexPlugin<O = undefined> {
  /** Shown in errors and debug logs. */
  readonly name: string;
  /** Runs once, when the plugin is registered on an app. */
  setup(app: Aex, options: O | undefined): void;
}

/**
 * An Aex web app: push controller classes and middlewares, `prepare()` them into one
 * request line, `start()` serving it. This class is the app's facade; the request entry
 * (app/request-entry.ts), the error path (app/error-path.ts) and the compilation
 * (app/compile-app.ts) do the work.
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
  /**
   * The server, once `start()` or `createServer()` made it: node's HTTP server, or on Bun
   * the handle of `Bun.serve` ({@link AexBunServer}: `listening`, `address()`, `close()`).
   */
  server?: AexServer | AexBunServer;
  /** The app's options, defaults filled in (plugins read them). */
  readonly options: ResolvedOptions;
  /**
   * This app's own request and response classes (subclasses of `AexRequest` and
   * `AexResponse`): plugins add helpers to their prototypes, so two apps in one
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
  /**
   * The request listener: use it with your own server made with `aex.createServer()`'s
   * classes. Never throws; every failure becomes a response.
   */
  readonly handle: RequestEntry["handle"];
  /** The `upgrade` listener (WebSocket upgrades walk the same line). */
  readonly handleUpgrade: RequestEntry["handleUpgrade"];
  /**
   * Answers a Web-standard `Request` with a `Response`, through the same line as every
   * request (steps, guards, the error path, security headers, sessions, limits, logs):
   * serve the app from any runtime with a `fetch` handler. `info.ip` is the client's
   * address; the runtime's own second argument (Bun's server, Deno's connection info) is
   * read for it too, so `Bun.serve({ fetch: aex.fetch })` and `Deno.serve(aex.fetch)` work
   * as they are. Prepares the app on first use. See docs/fetch.md.
   *
   * @example
   * const res = await aex.fetch(new Request("http://localhost/users/7"));
   * console.log(res.status, await res.json());
   */
  readonly fetch: (request: Request, info?: FetchInfo | object) => Promise<Response>;

  private readonly shared: SharedScope;
  private readonly middlewares: Step[] = [];
  private readonly pushed = new Map<Constructor, readonly unknown[]>();
  private readonly closeHooks = new CloseHooks();
  /** App-wide response hooks (`addResponseHooks`, the request log, `aex.use` steps' hooks). */
  private readonly responseHooks: ResponseHooks[] = [];
  private readonly watchdog: Watchdog<AexResponse>;
  private readonly errors: ErrorPath;
  private readonly entry: RequestEntry;
  private readonly lifecycle: Lifecycle;
  private readonly plugins = new Set<object>();
  private readonly states = new Map<object | symbol, unknown>();
  private readonly attached: AttachedUpgrades;
  private prepared = false;
  private fetcher: FetchEntry | null = null;
  /** The node server `createServer()` made (the in-process client's, on any transport). */
  private nodeServer?: AexServer;
  /** The `connection` listeners the runtime's node server has of its own (Bun's node:http: 2). */
  private ownConnectionListeners = 0;

  /** The app whose `createServer()`/`start()` made `server`, if any. */
  static of(server: object): Aex | undefined {
    return (server as { [APP]?: Aex })[APP];
  }

  constructor(options?: AexOptions);
  constructor(emitter?: EventEmitter, options?: AexOptions);
  constructor(emitterOrOptions?: EventEmitter | AexOptions, options?: AexOptions) {
    const isEmitter = emitterOrOptions instanceof EventEmitter;
    this.emitter = isEmitter ? emitterOrOptions : new EventEmitter();
    const given = isEmitter ? options : (emitterOrOptions ?? options);
    validateOptions(given);
    this.options = resolveOptions(given);
    // Operations: the logger, request ids, the per-request log line (docs/operations.md).
    this.log = createLogger(this.options.logger, this.options.logLevel, this.options.dev);
    const requestIds = new RequestIds(this.options.requestId);
    if (this.options.logRequests) this.responseHooks.push({ onResponse: requestLogger(this.log) });
    this.shared = { outer: this.global, orm: this.orm, emitter: this.emitter, log: this.log };
    this.errors = new ErrorPath(this.log, requestIds, this.options.dev, this.shared);
    this.watchdog = new Watchdog<AexResponse>(this.options.handlerTimeout, (res) => this.errors.timedOut(res));
    this.attached = new AttachedUpgrades(this.options.maxParamLength);
    ({ Request: this.Request, Response: this.Response } = appClasses(this, this.watchdog));
    this.entry = new RequestEntry(this, this.shared, requestIds, this.watchdog, this.errors);
    this.lifecycle = new Lifecycle(this, {
      entry: this.entry,
      watchdog: this.watchdog,
      closeHooks: this.closeHooks,
      emitter: this.emitter,
      listeners: () => this.entry.compiled?.listeners ?? [],
      upgrades: () => (this.entry.compiled?.upgradeRoutes ?? 0) > 0 || this.attached.size > 0,
      nodeServerInUse: () => this.nodeServerInUse(),
      fetchEntry: () => this.fetchEntry(),
      upgradeEntry: () => new FetchUpgradeEntry(this.fetchEntry().classes, this.entry.handleCheckedUpgrade),
    });
    this.handle = this.entry.handle;
    this.handleUpgrade = this.entry.handleUpgrade;
    this.fetch = (request, info) => Promise.resolve(this.fetchEntry().serve(request, peerOf(request, info), null));
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
    // Bun.serve upgrades natively (fetch/fetch-upgrade.ts): it only has to look at `Upgrade` from now on.
    if (this.server instanceof AexBunServer) this.server.acceptsUpgrades = true;
    if (this.nodeServer !== undefined) this.listenForUpgrades(this.nodeServer);
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
    this.entry.notFoundHandler = handler;
    return this;
  }

  /** Answers errors yourself; if the handler leaves the response unsent, the default answers. */
  setErrorHandler(handler: ErrorHandler): this {
    if (typeof handler !== "function") throw new AexError("AEX_ERR_MIDDLEWARE_INVALID", typeof handler);
    this.errors.handler = handler;
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
    return listRoutes(this.pushed.keys(), this.options.basePath, this.options.validationStatus);
  } // issue 15 (OpenAPI)

  /**
   * Builds the request line: creates the pushed controllers, compiles their routes and
   * response phases and binds their listeners. Runs once; later calls return the app unchanged.
   */
  prepare(): this {
    if (this.prepared) return this;
    const compiled = compileApp({
      app: this,
      pushed: this.pushed,
      middlewares: this.middlewares,
      responseHooks: this.responseHooks,
      attached: this.attached,
      emitter: this.emitter,
      Response: this.Response,
      maxParamLength: this.options.maxParamLength,
      methodNotAllowed: this.options.methodNotAllowed,
      basePath: this.options.basePath,
    });
    this.entry.compiled = compiled;
    this.prepared = true;
    log("prepared %d classes, %d middlewares", this.pushed.size, this.middlewares.length);
    return this;
  }

  /**
   * A node server serving this app (not listening yet); `start()` uses it on node's
   * transport. HTTP/1.1 by default; `{ tls }` makes it HTTPS, `{ tls, http2: true }` HTTP/2
   * with HTTP/1.1 fallback. On the Bun transport it serves `aex.inject()` only, and
   * `aex.server` stays Bun's.
   */
  createServer(transport?: TransportOptions): AexServer {
    const server =
      this.nodeServer ??
      createTransportServer(
        transport,
        { ...this.options.server, IncomingMessage: this.Request, ServerResponse: this.Response },
        this.handle,
      );
    if (this.nodeServer !== server) this.ownConnectionListeners = server.listenerCount("connection");
    this.nodeServer = server;
    // On the Bun transport `aex.server` stays Bun's: this one serves `aex.inject()` only.
    if (!(this.server instanceof AexBunServer)) this.server = server;
    Object.defineProperty(server, APP, { value: this, configurable: true });
    if ((this.entry.compiled?.upgradeRoutes ?? 0) > 0 || this.attached.size > 0) this.listenForUpgrades(server);
    this.watchdog.start();
    return server;
  }

  /**
   * Starts serving on `port` (default 3000; 0 picks a free one) and `ip` (default
   * `localhost`; `0.0.0.0` in a container); resolves to the server, also `aex.server`:
   * node's HTTP server, or on Bun the handle of `Bun.serve` (`transport` chooses;
   * docs/runtimes.md). Also `start(port, { host, tls, http2, transport })` and
   * `start({ port, host, tls, http2, transport })`. Unless `handleSignals: false`, SIGTERM
   * and SIGINT close the app gracefully and exit the process (docs/operations.md).
   */
  async start(port: number, options: ClusterStartOptions): Promise<AexServer | AexBunServer | null>;
  async start(options: ClusterStartOptions): Promise<AexServer | AexBunServer | null>;
  async start(port?: number, ip?: string, prepare?: boolean): Promise<AexServer | AexBunServer>;
  async start(port: number, options: StartOptions): Promise<AexServer | AexBunServer>;
  async start(options: StartOptions): Promise<AexServer | AexBunServer>;
  async start(
    a?: number | StartOptions,
    b?: string | StartOptions,
    c?: boolean,
  ): Promise<AexServer | AexBunServer | null> {
    if (!this.prepared) this.prepare();
    const server = await this.lifecycle.start(a, b, c);
    // `Aex.of(server)` finds the app of a Bun server too (a WebSocket server given it moves the app to node:http).
    if (server instanceof AexBunServer) Object.defineProperty(server, APP, { value: this, configurable: true });
    if (server !== null) log("listening on port %d", this.port);
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
    return this.lifecycle.clusterPort;
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
    return this.lifecycle.close();
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
  answerError(error: unknown, req: AexRequest, res: AexResponse, scope?: Scope): Promise<void> {
    return this.errors.answer(error, req, res, scope);
  }

  /**
   * Whether something listens on the node server `createServer()` made besides node and Aex
   * (a flood guard's connection cap, your own listener): then it must be the one that serves.
   */
  private nodeServerInUse(): boolean {
    const server = this.nodeServer;
    if (server === undefined) return false;
    const connection = server.listenerCount("connection") > this.ownConnectionListeners;
    return connection || server.listenerCount("request") > 1 || server.listening;
  }

  /** The app's `aex.fetch` entry, made once it is prepared (its facades copy its classes then). */
  private fetchEntry(): FetchEntry {
    if (this.fetcher !== null) return this.fetcher;
    if (!this.prepared) this.prepare();
    // The handler timeout is kept for every transport, a server or none.
    this.watchdog.start();
    // Served by another runtime's server (Deno.serve, a worker), the app never start()s: from
    // its first request on it serves, and readiness (`health()`) says so.
    if (this.phase === "starting") this.phase = "serving";
    return (this.fetcher = new FetchEntry(this.Request, this.Response, this.entry.handleChecked));
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

  private assertNotPrepared(): void {
    if (this.prepared) throw new AexError("AEX_ERR_ALREADY_PREPARED");
  }
}

/**
 * The client's address from `aex.fetch`'s second argument: `{ ip }`, Bun's server
 * (`requestIP`), or Deno's connection info (`remoteAddr.hostname`).
 */
function peerOf(request: Request, info: unknown): string | undefined {
  if (typeof info !== "object" || info === null) return undefined;
  const given = info as {
    ip?: unknown;
    requestIP?: (request: Request) => { address?: string } | null;
    remoteAddr?: { hostname?: unknown };
  };
  if (typeof given.ip === "string") return given.ip;
  if (typeof given.requestIP === "function") return given.requestIP(request)?.address;
  const hostname = given.remoteAddr?.hostname;
  return typeof hostname === "string" ? hostname : undefined;
}
