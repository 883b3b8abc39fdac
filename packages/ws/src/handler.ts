import { EventEmitter } from "node:events";
import type { Aex, AexRequest, ReplayStore, Scope } from "@aex/core";
import debug from "debug";
import type { RawData, WebSocket } from "ws";
import { emitSafely } from "./emit-safely";
import { Follows, type FollowOptions, type FollowResult } from "./follow";
import { CloseCode, encodeMessage, parseMessage, WS_ERROR_CODES, type WsErrorCode } from "./protocol";

const log = debug("aex:ws");
const NO_ROOMS: ReadonlySet<string> = new Set();

/** What a handler needs from its server. */
export interface HandlerHost {
  /** The app the connection's server belongs to. */
  readonly app: Aex;
  readonly maxBufferedAmount: number;
  /** Channels one connection may follow at once. */
  readonly maxFollows: number;
  /** Delivers a client event to the server's own listeners, `(data, handler)`. */
  dispatch(event: string, data: unknown, handler: WebSocketHandler): void;
  join(room: string, handler: WebSocketHandler): void;
  leave(room: string, handler: WebSocketHandler): void;
  to(room: string | undefined): { send(event: string, data?: unknown): void };
  /** The connection closed: out of the server and its rooms. */
  forget(handler: WebSocketHandler, code: number, reason: string): void;
}

/**
 * One WebSocket connection, as `WebSocketServer.ENTER` hands it over. Client messages
 * `{"event": name, "data": …}` are emitted as `name` with `data`; `send(event, data)`
 * answers in the same shape. `close` (code, reason) and `error` are its own events.
 *
 * @example
 * ws.on(WebSocketServer.ENTER, (handler) => {
 *   handler.on("chat", (data) => handler.to("lobby").send("chat", data));
 *   handler.join("lobby");
 * });
 */
export class WebSocketHandler extends EventEmitter {
  /** Answered the last heartbeat ping. */
  alive = true;
  // Made on first use: most connections of a large fan-out never join a room or keep data,
  // and 10,000 idle connections should not hold 10,000 empty sets (issue 29).
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- yours to fill
  private ownData: Record<string, any> | null = null;
  private joined: Set<string> | null = null;
  private follows: Follows | null = null;

  constructor(
    private readonly host: HandlerHost,
    /** The `ws` WebSocket. */
    readonly socket: WebSocket,
    /** The upgrade request (its query, params, cookies, headers). */
    readonly req: AexRequest,
    /** The scope the middlewares filled (`scope.inner.user`…). */
    readonly scope: Scope,
  ) {
    super();
    // EventEmitter's constructor gives every emitter a null-prototype listener table, a
    // dictionary of ~200 bytes; most connections of a large fan-out never get a listener of
    // their own (issue 29). Left undefined, EventEmitter makes it on the first `on` and its
    // methods read an undefined table as "no listeners".
    (this as unknown as { _events: undefined })._events = undefined;
  }

  /** Anything you want to keep for this connection (the user, counters…). */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- yours to fill
  get data(): Record<string, any> {
    return (this.ownData ??= {});
  }

  /** The rooms this connection is in. */
  get rooms(): ReadonlySet<string> {
    return this.joined ?? NO_ROOMS;
  }

  /** A client event `(data)`, or the lifecycle events `close` `(code, reason)` and `error` `(error)`. */
  override on(event: "close", listener: (code: number, reason: string) => void): this;
  override on(event: "error", listener: (error: Error) => void): this;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the client decides the data's shape
  override on(event: string | symbol, listener: (data: any) => void): this;
  override on(event: string | symbol, listener: (...args: never[]) => void): this {
    return super.on(event, listener as (...args: unknown[]) => void);
  }

  /**
   * Sends `{ event, data }`. Returns false if the socket is not open. A client that
   * reads slower than it is sent to (over `maxBufferedAmount` waiting) is closed with
   * 1013 rather than buffered without bound.
   */
  send(event: string, data?: unknown): boolean {
    return this.sendRaw(encodeMessage(event, data));
  }

  /** Sends an already encoded message (broadcasts encode once for everyone). */
  sendRaw(message: string): boolean {
    if (this.socket.readyState !== this.socket.OPEN) return false;
    if (this.socket.bufferedAmount > this.host.maxBufferedAmount) {
      log("closing a slow consumer (%d bytes waiting)", this.socket.bufferedAmount);
      this.socket.close(CloseCode.TRY_AGAIN_LATER, "Slow consumer");
      return false;
    }
    this.socket.send(message);
    return true;
  }

  /** Joins a room, for `ws.to(room).send(…)`. */
  join(room: string): this {
    (this.joined ??= new Set()).add(room);
    this.host.join(room, this);
    return this;
  }

  /** Sends to a room's members (this connection included, if it joined), in every process. */
  to(room: string): {
    /** Sends `{ event, data }` to each member of the room. */
    send(event: string, data?: unknown): void;
  } {
    return this.host.to(room);
  }

  /** Sends to every connection of the server, in every process. */
  broadcast(event: string, data?: unknown): void {
    this.host.to(undefined).send(event, data);
  }

  /**
   * Follows `channel` of a replay log (`MemoryReplayStore`, or `RedisReplayStore` for every
   * instance): the client gets what was published to it after `lastEventId` (its last id,
   * when it reconnects), then every event published to it, each as `{ event, data, id }`,
   * in order and none twice. One the log cannot serve gets `{ event: "refetch", data:
   * { reason, lastEventId }, id }` (reason `trimmed`, `unknown` or `lost`). Resolves to the
   * log's newest id when it joined: give it to a new client as its cursor. Stops when the
   * connection closes, or with `unfollow(channel)`; rejects when the log cannot be reached.
   *
   * @example
   * handler.on("join", async ({ room, lastEventId }) => {
   *   const { head } = await handler.follow(rooms, `room:${room}`, { lastEventId });
   *   handler.send("joined", { room, head });
   * });
   * await rooms.publish("room:7", "said", { text: "hi" }); // to everyone in room 7, on every instance
   */
  follow(store: ReplayStore, channel: string, options: FollowOptions = {}): Promise<FollowResult> {
    return (this.follows ??= new Follows()).follow(this.host.app, this, store, channel, options, this.host.maxFollows);
  }

  /** Stops following `channel` (see {@link WebSocketHandler.follow}). */
  unfollow(channel: string): this {
    this.follows?.unfollow(channel);
    return this;
  }

  /** @internal Whether the socket is open (replay logs stop sending to it otherwise). */
  get open(): boolean {
    return this.socket.readyState === this.socket.OPEN;
  }

  /** Leaves a room. */
  leave(room: string): this {
    this.joined?.delete(room);
    this.host.leave(room, this);
    return this;
  }

  /** Closes the connection (1000 by default). */
  close(code = 1000, reason = ""): void {
    this.socket.close(code, reason);
  }

  /** Handles one frame from the client. */
  receive(raw: RawData, isBinary: boolean): void {
    if (isBinary) return this.reject("AEX_WS_BINARY");
    const message = parseMessage(raw.toString(), this.req.bodyLimits.jsonDepth);
    if (typeof message === "string") return this.reject(message);
    const onError = (error: unknown) => {
      log("listener of %o failed: %O", message.event, error);
      // An error that names a code of the protocol (follow()'s cap) tells the client that code.
      const code = (error as { code?: unknown } | null)?.code;
      this.reject(
        typeof code === "string" && Object.hasOwn(WS_ERROR_CODES, code)
          ? (code as WsErrorCode)
          : "AEX_WS_HANDLER_FAILED",
      );
    };
    emitSafely(this, message.event, [message.data], onError);
    this.host.dispatch(message.event, message.data, this);
  }

  /** @internal The socket closed (`code`, `reason`): the server forgets it, `close` listeners run. */
  closed(code: number, reason: string): void {
    this.follows?.leaveAll();
    this.host.forget(this, code, reason);
  }

  /** Emits `error` only to listeners, never as EventEmitter's unheard-error throw. */
  reportError(error: Error): void {
    if (this.listenerCount("error") > 0) emitSafely(this, "error", [error], (e) => log("error listener failed: %O", e));
  }

  /** Tells the client what was wrong with its message; the connection stays open. */
  private reject(code: WsErrorCode): void {
    log("bad message: %s", code);
    this.send("error", { code, message: WS_ERROR_CODES[code] });
  }
}
