import { EventEmitter } from "node:events";
import type { NativeWebSocket, NativeWebSocketEvents } from "@aex/core/plugin";
import { CloseCode } from "./protocol";

const CONNECTING = 0;
const OPEN = 1;
const CLOSING = 2;
const CLOSED = 3;

/**
 * A connection Bun.serve upgraded (its `ServerWebSocket`), with the part of the `ws`
 * package's `WebSocket` that Aex, a `@ws` method or a WebSocket middleware uses: `send`,
 * `close`, `terminate`, `ping`, `pause`/`resume`, `readyState` and its constants,
 * `bufferedAmount`, and the events `message` `(data: Buffer, isBinary)`, `pong`, `close`
 * `(code, reason: Buffer)` and `error`. Its `events` are what Bun reports to.
 */
export class BunWebSocket extends EventEmitter implements NativeWebSocketEvents {
  static readonly CONNECTING = CONNECTING;
  static readonly OPEN = OPEN;
  static readonly CLOSING = CLOSING;
  static readonly CLOSED = CLOSED;
  declare readonly CONNECTING: 0;
  declare readonly OPEN: 1;
  declare readonly CLOSING: 2;
  declare readonly CLOSED: 3;

  private native: NativeWebSocket | null = null;
  private ended = false;
  /** Messages that came while paused, delivered on `resume()` in order; null when not paused. */
  private held: [Buffer, boolean][] | null = null;
  /** Called once Bun opened the connection, then dropped (an idle connection keeps no closure). */
  private opened: ((socket: BunWebSocket) => void) | null;

  /**
   * @param maxPayload This server's largest message: a larger one closes with 1009 (Bun's own
   *   limit is the largest of the app's servers).
   * @param onOpen Called once Bun opened the connection.
   */
  constructor(
    private readonly maxPayload: number,
    onOpen: (socket: BunWebSocket) => void,
  ) {
    super();
    this.opened = onOpen;
  }

  /** What Bun reports this connection's life to: the socket itself. */
  get events(): NativeWebSocketEvents {
    return this;
  }

  /** @internal */
  onOpen(native: NativeWebSocket): void {
    this.native = native;
    const opened = this.opened;
    this.opened = null;
    opened?.(this);
  }

  /** @internal */
  onMessage(data: string | Uint8Array): void {
    this.received(data);
  }

  /** @internal */
  onPong(): void {
    this.emit("pong");
  }

  /** @internal */
  onDrain(): void {}

  /** @internal */
  onClose(code: number, reason: string): void {
    this.gone(code, reason);
  }

  get readyState(): number {
    if (this.ended) return CLOSED;
    return this.native === null ? CONNECTING : this.native.readyState;
  }

  /** Bytes queued for the peer and not yet written. */
  get bufferedAmount(): number {
    return this.native === null || this.ended ? 0 : this.native.getBufferedAmount();
  }

  /** The peer's address. */
  get remoteAddress(): string | undefined {
    return this.native?.remoteAddress;
  }

  /** Sends a text (a string) or binary (bytes) message; `callback` is called once it is queued. */
  send(data: string | Buffer | Uint8Array, options?: unknown, callback?: (error?: Error) => void): void {
    const done = typeof options === "function" ? (options as (error?: Error) => void) : callback;
    if (this.readyState !== OPEN) {
      done?.(new Error("WebSocket is not open"));
      return;
    }
    this.native!.send(data);
    done?.();
  }

  ping(): void {
    if (this.readyState === OPEN) this.native!.ping();
  }

  close(code?: number, reason?: string): void {
    if (this.native === null || this.readyState >= CLOSING) return;
    this.native.close(code, reason);
  }

  terminate(): void {
    if (this.native === null || this.ended) return;
    this.native.terminate();
  }

  /** Holds incoming messages until {@link BunWebSocket.resume}. */
  pause(): void {
    this.held ??= [];
  }

  resume(): void {
    const held = this.held;
    this.held = null;
    if (held === null) return;
    for (let i = 0; i < held.length; i++) {
      // A listener may pause again: the rest waits for the next resume.
      if (this.isPaused) return void this.held!.unshift(...held.slice(i));
      this.emit("message", held[i][0], held[i][1]);
    }
  }

  get isPaused(): boolean {
    return this.held !== null;
  }

  private received(data: string | Uint8Array): void {
    const isBinary = typeof data !== "string";
    const bytes = isBinary ? Buffer.from(data.buffer, data.byteOffset, data.byteLength) : Buffer.from(data);
    if (bytes.length > this.maxPayload) {
      this.close(CloseCode.TOO_BIG, "Max payload size exceeded");
      return;
    }
    if (this.held !== null) this.held.push([bytes, isBinary]);
    else this.emit("message", bytes, isBinary);
  }

  private gone(code: number, reason: string): void {
    if (this.ended) return;
    this.ended = true;
    this.emit("close", code, Buffer.from(reason));
  }
}

Object.assign(BunWebSocket.prototype, { CONNECTING, OPEN, CLOSING, CLOSED });
