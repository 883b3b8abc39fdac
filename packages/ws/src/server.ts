import { EventEmitter } from "node:events";
import type { IncomingMessage, Server } from "node:http";
import type { Duplex } from "node:stream";
import {
  Aex,
  AexError,
  HttpError,
  type AexBunServer,
  type AexRequest,
  type AexResponse,
  type AexServer,
  type Scope,
} from "@aex/core";
import {
  addDependency,
  allowWebSocketPayload,
  FanOut,
  nativeUpgrade,
  readQuery,
  type DependencyState,
  type NativeUpgrade,
  upgradeAnswered,
} from "@aex/core/plugin";
import { WEBSOCKET_OPENER } from "@aex/core/testing";
import debug from "debug";
import { WebSocketServer as WsServer, type WebSocket } from "ws";
import type { BroadcastAdapter, BroadcastMessage } from "./adapter";
import { BunWebSocket } from "./bun-socket";
import { lineHeaders } from "./line-headers";
import { emitSafely } from "./emit-safely";
import { foreignApp } from "./foreign-app";
import { checkHandshake } from "./handshake";
import type { WS_HTTP_ERROR_CODES } from "./errors";
import { WebSocketHandler, type HandlerHost } from "./handler";
import { openInjected } from "./inject-socket";
import { CloseCode, encodeMessage } from "./protocol";
import { Rooms } from "./rooms";
import type { WebSocketServerOptions } from "./server-options";
import { SharedStrings } from "./shared-strings";
import { compactEmptyQuery, listenTo, releaseHead, shareNoTrailers } from "./socket-listeners";

const log = debug("aex:ws");
const NO_HEAD = Buffer.alloc(0);

type WsHttpErrorCode = keyof typeof WS_HTTP_ERROR_CODES;
/** What takes a connection once it is open: a `@ws` method, or the `use` middlewares and `ENTER`. */
type Enter = (handler: WebSocketHandler) => unknown;

/**
 * A WebSocket middleware: `(req, ws, scope)`, `ws` being the WebSocket (the `ws`
 * package's), run right after the upgrade and before `ENTER`. Return `false` to close
 * the connection (1008, with a reason); a throw closes it with 1011. To refuse before
 * the upgrade with an HTTP status, use route steps (`aex.use`, or `@ws` with `@inject`).
 */
export type IWebSocketAsyncMiddleware = (req: AexRequest, ws: WebSocket, scope: Scope) => unknown;

/** Sends to the members of a room (or everyone), here and through the adapter. */
export interface BroadcastTarget {
  /** Sends `{ event, data }` to each connection of the target, in every process. */
  send(event: string, data?: unknown): void;
}

/**
 * WebSocket connections of an Aex app, on the `ws` package: rooms, broadcast (across
 * processes with an adapter), heartbeats and backpressure. Upgrades walk the app's own
 * line first (its `aex.use` middlewares), so they are refused with an HTTP status before
 * anything is upgraded. Each connection is handed over as a {@link WebSocketHandler} on
 * `WebSocketServer.ENTER` (or to a `@ws` method); clients talk in `{"event", "data"}`.
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

  /** Bytes allowed to wait for a slow client before it is closed with 1013. */
  readonly maxBufferedAmount: number;
  /** Channels one connection may follow at once (see {@link WebSocketServerOptions.maxFollows}). */
  readonly maxFollows: number;
  /** The largest message accepted, in bytes (see {@link WebSocketServerOptions.maxPayload}). */
  readonly maxPayload: number;
  /** Resolves once the adapter (if any) is connected. */
  readonly ready: Promise<void>;
  /** Open connections. */
  readonly handlers = new Set<WebSocketHandler>();
  /** The app whose line upgrades run through. */
  readonly app: Aex;

  private readonly wss: WsServer;
  private readonly middlewares: IWebSocketAsyncMiddleware[] = [];
  private readonly rooms = new Rooms<WebSocketHandler>();
  /** Broadcasts to many connections go out slice by slice, in order (fan-out.ts). */
  private readonly fanOut = new FanOut();
  private readonly adapter?: BroadcastAdapter;
  private readonly detach: () => void;
  private readonly heartbeat: NodeJS.Timeout | null;
  private closed: Promise<void> | null = null;
  /** Strings that connections' upgrade requests hold alike, one copy each. */
  private readonly strings = new SharedStrings();
  /** The line's response of each handshake under way, read by the `headers` listener. */
  private readonly upgrading = new WeakMap<IncomingMessage, AexResponse>();

  /** Attaches to `server`: an Aex app, the node server `aex.start()` resolved to, or any node server. */
  constructor(server: Server | AexServer | AexBunServer | Aex, options: WebSocketServerOptions = {}) {
    super();
    const detachers: (() => void)[] = [];
    this.app = server instanceof Aex ? server : (Aex.of(server) ?? foreignApp(server as Server, detachers));
    this.maxBufferedAmount = options.maxBufferedAmount ?? 4 * 1024 * 1024;
    this.maxFollows = options.maxFollows ?? 100;
    this.maxPayload = options.maxPayload ?? 1024 * 1024;
    // No client tracking: `handlers` is the list of connections; `ws`'s own Set would add an
    // entry and a `close` closure per socket (issue 29).
    this.wss = new WsServer({
      noServer: true,
      clientTracking: false,
      maxPayload: this.maxPayload,
    });
    this.wss.on("headers", (headers: string[], req: IncomingMessage) => {
      const res = this.upgrading.get(req);
      if (res !== undefined) for (const [name, value] of lineHeaders(res)) headers.push(`${name}: ${value}`);
    });
    // Where the app's transport upgrades itself (Bun.serve), it must let this server's messages through.
    allowWebSocketPayload(this.app, this.maxPayload);
    if (options.path !== null) {
      if (server instanceof Aex) server.createServer();
      detachers.push(this.app.attachUpgrade(options.path ?? "*", (req, res, scope) => this.serve(req, res, scope)));
    }
    this.detach = () => detachers.forEach((detach) => detach());
    this.app.state(WEBSOCKET_OPENER, () => openInjected(this.maxPayload));
    this.adapter = options.adapter;
    this.ready = this.adapter ? this.adapter.start((message) => this.deliver(message)) : Promise.resolve();
    this.ready.catch((error) => log("broadcast adapter failed to start: %O", error));
    if (this.adapter !== undefined) this.dependOnAdapter(this.adapter);
    const every = options.heartbeat ?? 30_000;
    this.heartbeat = every > 0 ? setInterval(() => this.beat(), every) : null;
    this.heartbeat?.unref();
    // The app closes its WebSockets (1001) as soon as it stops accepting.
    this.app.onClose(() => this.close(), { phase: "connections" });
  }

  /** `ENTER` hands over each connection; any other event is a client event, `(data, handler)`. */
  override on(event: typeof WebSocketServer.ENTER, listener: (handler: WebSocketHandler) => void): this;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the client decides the data's shape
  override on(event: string | symbol, listener: (data: any, handler: WebSocketHandler) => void): this;
  override on(event: string | symbol, listener: (...args: never[]) => void): this {
    return super.on(event, listener as (...args: unknown[]) => void);
  }

  /** Adds a middleware `(req, ws, scope)`; they run in order after the upgrade, before `ENTER`. */
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

  /**
   * @internal Upgrades the socket of a request whose line went through, and hands the
   * connection to `enter` (paused until it returns, so no message is lost).
   */
  accept(req: AexRequest, res: AexResponse, scope: Scope, enter: Enter): false {
    if (this.closed !== null)
      throw new HttpError(503, "The server is shutting down", { code: "AEX_WS_CLOSING" satisfies WsHttpErrorCode });
    checkHandshake(req);
    const upgrade = nativeUpgrade(res);
    if (upgrade !== null) return this.acceptNative(upgrade, req, res, scope, enter);
    const socket = res.socket as Duplex | null;
    if (socket === null || socket.destroyed) return false;
    res.detachSocket(res.socket!);
    // The app's guard against errors during the handshake; once `ws` has the socket, its own
    // listener handles them (and one listener, not two, keeps no array per socket).
    const handshakeErrorListeners = socket.listeners("error");
    this.upgrading.set(req as IncomingMessage, res);
    this.wss.handleUpgrade(req as IncomingMessage, socket, NO_HEAD, (websocket) => {
      this.upgrading.delete(req as IncomingMessage);
      for (const listener of handshakeErrorListeners) socket.off("error", listener as (error: Error) => void);
      upgradeAnswered(res);
      releaseHead(res);
      shareNoTrailers(req);
      this.strings.shareRequest(req);
      this.welcome(websocket, req, scope, enter);
    });
    return false;
  }

  /**
   * Upgrades through the app's transport (Bun.serve, fetch/native-websocket.ts in core): the
   * 101 carries the line's headers; once Bun opens the connection it is welcomed as any.
   */
  private acceptNative(upgrade: NativeUpgrade, req: AexRequest, res: AexResponse, scope: Scope, enter: Enter): false {
    const socket = new BunWebSocket(this.maxPayload, (opened) => {
      if (this.closed !== null) return opened.close(CloseCode.GOING_AWAY, "Server shutting down");
      this.strings.shareRequest(req);
      this.welcome(opened as unknown as WebSocket, req, scope, enter);
    });
    if (!upgrade(socket.events, lineHeaders(res))) {
      throw new HttpError(400, "Not a WebSocket handshake", { code: "AEX_WS_HANDSHAKE" satisfies WsHttpErrorCode });
    }
    return false;
  }

  /** A connection whose handshake is done: adopted, and handed to `enter` (paused until it returns, so no message is lost). */
  private welcome(websocket: WebSocket, req: AexRequest, scope: Scope, enter: Enter): void {
    scope.releaseResponse();
    compactEmptyQuery(req, scope);
    websocket.pause();
    const handler = this.adopt(websocket, req, scope);
    const resume = () => websocket.resume();
    const fail = (error: unknown) => {
      log("a WebSocket handler failed: %O", error);
      handler.close(CloseCode.INTERNAL, "Internal error");
      resume();
    };
    try {
      const entered = enter(handler);
      if (typeof (entered as PromiseLike<unknown> | undefined)?.then === "function") {
        (entered as Promise<unknown>).then(resume, fail);
      } else resume();
    } catch (error) {
      fail(error);
    }
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

  /** The last step of this server's upgrades: the query, the upgrade, `use` middlewares, `ENTER`. */
  private serve(req: AexRequest, res: AexResponse, scope: Scope): false {
    readQuery(req, scope);
    return this.accept(req, res, scope, async (handler) => {
      for (const middleware of this.middlewares) {
        if ((await middleware(req, handler.socket, scope)) === false) {
          return handler.close(CloseCode.POLICY, "Refused by a middleware");
        }
      }
      emitSafely(this, WebSocketServer.ENTER, [handler], (error) => {
        log("an ENTER listener failed: %O", error);
        handler.close(CloseCode.INTERNAL, "Internal error");
      });
    });
  }

  private adopt(socket: WebSocket, req: AexRequest, scope: Scope): WebSocketHandler {
    const handler = new WebSocketHandler(this, socket, req, scope);
    this.handlers.add(handler);
    listenTo(socket, handler);
    return handler;
  }

  /** @internal A connection closed: out of the server and its rooms, then its `close` listeners. */
  forget(handler: WebSocketHandler, code: number, reason: string): void {
    this.handlers.delete(handler);
    for (const room of handler.rooms) this.rooms.leave(room, handler);
    emitSafely(handler, "close", [code, reason], (error) => log("close listener failed: %O", error));
  }

  /** `aex.start()` waits for the adapter's connection; readiness reports it. */
  private dependOnAdapter(adapter: BroadcastAdapter): void {
    let started = false;
    this.ready.then(
      () => (started = true),
      () => undefined,
    );
    addDependency(this.app, "websocket adapter", {
      get connection(): DependencyState {
        return adapter.connection ?? (started ? "up" : "connecting");
      },
      ready: () => this.ready,
    });
  }

  /** Delivers a broadcast (ours or another process's) to this process's connections. */
  private deliver({ room, event, data }: BroadcastMessage): void {
    // Encoded once for every connection.
    const message = encodeMessage(event, data);
    this.fanOut.send(room === undefined ? this.handlers : this.rooms.members(room), (handler) =>
      handler.sendRaw(message),
    );
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
