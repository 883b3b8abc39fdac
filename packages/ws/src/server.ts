import { EventEmitter } from "node:events";
import type { IncomingMessage, Server } from "node:http";
import type { Duplex } from "node:stream";
import {
  Aex,
  AexError,
  pathOf,
  readQuery,
  RequestCookies,
  routeParams,
  RouteTable,
  Scope,
  toHttpError,
  type AexRequest,
  type AexServer,
  type SharedScope,
} from "@aex/core";
import debug from "debug";
import { WebSocketServer as WsServer, type WebSocket } from "ws";
import type { BroadcastAdapter, BroadcastMessage } from "./adapter";
import { emitSafely } from "./emit-safely";
import { WebSocketHandler, type HandlerHost } from "./handler";
import { CloseCode, encodeMessage } from "./protocol";
import { Rooms } from "./rooms";
import { attach, refuseUpgrade, type UpgradeMatch } from "./upgrade-router";

const log = debug("aex:ws");

/**
 * A WebSocket middleware, run during the handshake: `(req, socket, scope)`, `socket`
 * being the raw connection. Return `false` to refuse it (403), or throw an `HttpError`
 * to refuse it with that status (401…).
 */
export type IWebSocketAsyncMiddleware = (req: AexRequest, socket: Duplex, scope: Scope) => unknown;

/** Options of a {@link WebSocketServer}. */
export interface WebSocketServerOptions {
  /** Path pattern served (`/chat`, `/rooms/:room`); default every path. */
  path?: string;
  /** Largest message accepted, in bytes; a larger one closes the socket with 1009. Default 1 MiB. */
  maxPayload?: number;
  /** Milliseconds between heartbeat pings; a peer that missed one is dropped. `0`: off. Default 30 000. */
  heartbeat?: number;
  /** Bytes allowed to wait for a slow client before it is closed with 1013. Default 4 MiB. */
  maxBufferedAmount?: number;
  /** Shares broadcasts between processes (e.g. {@link RedisAdapter}). */
  adapter?: BroadcastAdapter;
}

/** Sends to the members of a room (or everyone), here and through the adapter. */
export interface BroadcastTarget {
  send(event: string, data?: unknown): void;
}

/**
 * A WebSocket server on an Aex app's HTTP server (or any node HTTP server), on the `ws`
 * package. Each connection is handed over as a {@link WebSocketHandler} on
 * `WebSocketServer.ENTER`; clients talk in `{"event": name, "data": …}` messages.
 *
 * @example
 * const aex = new Aex();
 * const server = await aex.start();
 * const ws = new WebSocketServer(server);
 * ws.on(WebSocketServer.ENTER, (handler) => {
 *   handler.on("event-name", (data) => handler.send("event-name", { key: "value" }));
 * });
 */
export class WebSocketServer extends EventEmitter implements HandlerHost {
  /** The event that hands over each new connection's handler. */
  static readonly ENTER = "enter";

  readonly maxBufferedAmount: number;
  /** Resolves once the adapter (if any) is connected. */
  readonly ready: Promise<void>;
  /** Open connections. */
  readonly handlers = new Set<WebSocketHandler>();

  private readonly wss: WsServer;
  private readonly paths = new RouteTable<true>();
  private readonly middlewares: IWebSocketAsyncMiddleware[] = [];
  private readonly rooms = new Rooms<WebSocketHandler>();
  private readonly shared: SharedScope;
  private readonly adapter?: BroadcastAdapter;
  private readonly detach: () => void;
  private readonly heartbeat: NodeJS.Timeout | null;
  private closed: Promise<void> | null = null;

  /** Attaches to `server`: an Aex app, or the node server `aex.start()` resolved to. */
  constructor(server: Server | AexServer | Aex, options: WebSocketServerOptions = {}) {
    super();
    const app = server instanceof Aex ? server : Aex.of(server);
    const http = server instanceof Aex ? server.createServer() : server;
    this.shared = app
      ? { outer: app.global, orm: app.orm, emitter: app.emitter }
      : { outer: {}, orm: {}, emitter: new EventEmitter() };
    this.maxBufferedAmount = options.maxBufferedAmount ?? 4 * 1024 * 1024;
    this.paths.add("GET", options.path ?? "*", true);
    this.wss = new WsServer({ noServer: true, maxPayload: options.maxPayload ?? 1024 * 1024 });
    this.detach = attach(http as Server, this);
    this.adapter = options.adapter;
    this.ready = this.adapter ? this.adapter.start((message) => this.deliver(message)) : Promise.resolve();
    this.ready.catch((error) => log("broadcast adapter failed to start: %O", error));
    const every = options.heartbeat ?? 30_000;
    this.heartbeat = every > 0 ? setInterval(() => this.beat(), every) : null;
    this.heartbeat?.unref();
    // The app closes its WebSockets (1001) as soon as it stops accepting (opscore: phase).
    app?.onClose(() => this.close(), { phase: "connections" });
  }

  /** `ENTER` hands over each connection; any other event is a client event, `(data, handler)`. */
  override on(event: typeof WebSocketServer.ENTER, listener: (handler: WebSocketHandler) => void): this;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the client decides the data's shape
  override on(event: string | symbol, listener: (data: any, handler: WebSocketHandler) => void): this;
  override on(event: string | symbol, listener: (...args: never[]) => void): this {
    return super.on(event, listener as (...args: unknown[]) => void);
  }

  /** Adds a handshake middleware; they run in order, before the upgrade completes. */
  use(middleware: IWebSocketAsyncMiddleware): this {
    if (typeof middleware !== "function") throw new AexError("AEX_ERR_MIDDLEWARE_INVALID", typeof middleware);
    this.middlewares.push(middleware);
    return this;
  }

  /** Sends to everyone connected, in every process sharing the adapter. */
  broadcast(event: string, data?: unknown): void {
    this.to(undefined).send(event, data);
  }

  /** Sends to a room's members, in every process sharing the adapter. */
  to(room: string | undefined): BroadcastTarget {
    return {
      send: (event, data) => {
        this.deliver({ room, event, data });
        this.adapter?.publish({ room, event, data }).catch((error) => log("broadcast not shared: %O", error));
      },
    };
  }

  /** Closes every connection (1001 by default) and stops serving upgrades. */
  close(code: number = CloseCode.GOING_AWAY, reason = "Server shutting down"): Promise<void> {
    this.closed ??= (async () => {
      this.detach();
      if (this.heartbeat !== null) clearInterval(this.heartbeat);
      const gone = [...this.handlers].map(
        (handler) => new Promise<void>((resolve) => handler.socket.once("close", () => resolve())),
      );
      for (const handler of this.handlers) handler.close(code, reason);
      // A peer that never answers the close is cut after a second.
      const cut = setTimeout(() => this.handlers.forEach((h) => h.socket.terminate()), 1000);
      await Promise.all(gone);
      clearTimeout(cut);
      await new Promise<void>((resolve) => this.wss.close(() => resolve()));
      await this.adapter?.close();
    })();
    return this.closed;
  }

  /** @internal Where this server's path pattern matches the request, if it does. */
  match(req: IncomingMessage): UpgradeMatch | null {
    const values: string[] = [];
    const entry = this.paths.find("GET", pathOf(req.url), values);
    return entry === null ? null : { entry, values };
  }

  /** @internal Runs the middlewares, then completes or refuses the handshake. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, match: UpgradeMatch): void {
    void this.upgrade(req as AexRequest, socket, head, match);
  }

  /** @internal */
  dispatch(event: string, data: unknown, handler: WebSocketHandler): void {
    emitSafely(this, event, [data, handler], (error) => log("server listener of %o failed: %O", event, error));
  }

  /** @internal */
  join(room: string, handler: WebSocketHandler): void {
    this.rooms.join(room, handler);
  }

  /** @internal */
  leave(room: string, handler: WebSocketHandler): void {
    this.rooms.leave(room, handler);
  }

  private async upgrade(req: AexRequest, socket: Duplex, head: Buffer, match: UpgradeMatch): Promise<void> {
    const scope = new Scope(this.shared);
    if (!(req.cookies instanceof RequestCookies)) {
      // A plain node server's requests lack Aex's cookie reader.
      Object.defineProperty(req, "cookies", { value: new RequestCookies(req.headers.cookie) });
    }
    try {
      // The same decoding as HTTP routes: a malformed escape is a 400, a long param a 414.
      const params = routeParams(match.entry, match.values);
      req.params = params;
      scope.provide("params", params);
      readQuery(req, scope);
      for (const middleware of this.middlewares) {
        if ((await middleware(req, socket, scope)) === false) {
          refuseUpgrade(socket, 403, { statusCode: 403, error: "Forbidden", code: "AEX_WS_REFUSED" });
          return;
        }
      }
    } catch (error) {
      const httpError = toHttpError(error);
      log("handshake refused (%d): %O", httpError.status, error);
      refuseUpgrade(socket, httpError.status, {
        statusCode: httpError.status,
        error: httpError.statusText,
        message: httpError.expose ? httpError.message : httpError.statusText,
        ...(httpError.code ? { code: httpError.code } : {}),
      });
      return;
    }
    if (socket.destroyed || this.closed !== null) return void socket.destroy();
    this.wss.handleUpgrade(req, socket, head, (websocket) => this.enter(websocket, req, scope));
  }

  private enter(socket: WebSocket, req: AexRequest, scope: Scope): void {
    const handler = new WebSocketHandler(this, socket, req, scope);
    this.handlers.add(handler);
    socket.on("message", (raw, isBinary) => handler.receive(raw, isBinary));
    socket.on("pong", () => (handler.alive = true));
    socket.on("error", (error) => {
      log("socket error: %s", error.message);
      handler.reportError(error);
    });
    socket.on("close", (code, reason) => {
      this.handlers.delete(handler);
      for (const room of handler.rooms) this.rooms.leave(room, handler);
      emitSafely(handler, "close", [code, reason.toString()], (error) => log("close listener failed: %O", error));
    });
    emitSafely(this, WebSocketServer.ENTER, [handler], (error) => {
      log("an ENTER listener failed: %O", error);
      handler.close(CloseCode.INTERNAL, "Internal error");
    });
  }

  /** Delivers a broadcast (ours or another process's) to this process's connections. */
  private deliver({ room, event, data }: BroadcastMessage): void {
    const message = encodeMessage(event, data);
    for (const handler of room === undefined ? this.handlers : this.rooms.members(room)) handler.sendRaw(message);
  }

  /** Drops peers that missed the last ping, pings the others. */
  private beat(): void {
    for (const handler of this.handlers) {
      if (!handler.alive) {
        log("dropping a peer that missed a heartbeat");
        handler.socket.terminate();
        continue;
      }
      handler.alive = false;
      handler.socket.ping();
    }
  }
}
