import { EventEmitter } from "node:events";
import { Readable } from "node:stream";

type Listener = (...args: unknown[]) => void;

/**
 * The body of a small request (a Content-Length up to web-body.ts's `WHOLE_BODY_MAX`) for
 * readers that only listen (`on("data")`, `on("end")`: the JSON reader, the body guard): it
 * comes in one `arrayBuffer()` call, which Bun answers from what it received already, and is
 * emitted as one `data` event, then `end`, without a node stream (measured: the stream's making
 * and flowing were most of the cost of a small JSON body on Bun). A reader that needs a stream
 * (`pipe`, `read`, `setEncoding`…) gets one (`toReadable`), with the listeners and the bytes.
 */
export class LightBody {
  readableEnded = false;
  readable = true;
  destroyed = false;
  // node's EventEmitter methods, copied onto the prototype below (without its constructor).
  declare emit: EventEmitter["emit"];
  declare listenerCount: EventEmitter["listenerCount"];
  declare eventNames: EventEmitter["eventNames"];
  declare rawListeners: EventEmitter["rawListeners"];
  declare removeAllListeners: EventEmitter["removeAllListeners"];
  private pending: Promise<ArrayBuffer> | null = null;
  private stream: Readable | null = null;

  constructor(private readonly request: Request) {}

  on(event: string | symbol, listener: Listener): this {
    EventEmitter.prototype.on.call(this, event, listener);
    if (event === "data") this.start();
    return this;
  }

  addListener(event: string | symbol, listener: Listener): this {
    return this.on(event, listener);
  }

  once(event: string | symbol, listener: Listener): this {
    EventEmitter.prototype.once.call(this, event, listener);
    if (event === "data") this.start();
    return this;
  }

  off(event: string | symbol, listener: Listener): this {
    EventEmitter.prototype.off.call(this, event, listener);
    return this;
  }

  removeListener(event: string | symbol, listener: Listener): this {
    return this.off(event, listener);
  }

  /** Flowing: the body comes. */
  resume(): this {
    this.start();
    return this;
  }

  /** One chunk cannot be held back: nothing to pause. */
  pause(): this {
    return this;
  }

  isPaused(): boolean {
    return false;
  }

  destroy(error?: Error): this {
    if (this.destroyed) return this;
    this.destroyed = true;
    this.readable = false;
    if (error !== undefined && this.listenerCount("error") > 0) this.emit("error", error);
    this.emit("close");
    return this;
  }

  /** A node stream with this body's listeners and bytes, for a reader that needs one. */
  toReadable(): Readable {
    const stream = (this.stream = new Readable({ read: noop }));
    for (const event of this.eventNames()) {
      for (const listener of this.rawListeners(event)) stream.on(event, listener as Listener);
    }
    this.removeAllListeners();
    if (this.readableEnded) stream.push(null);
    else {
      const pending = (this.pending ??= this.request.arrayBuffer());
      pending.then(
        (buffer) => {
          if (buffer.byteLength > 0) stream.push(Buffer.from(buffer));
          stream.push(null);
        },
        (error: unknown) => stream.destroy(error instanceof Error ? error : new Error(String(error))),
      );
    }
    return stream;
  }

  private start(): void {
    if (this.pending !== null) return;
    this.pending = this.request.arrayBuffer();
    this.pending.then(this.onWhole, this.onError);
  }

  private readonly onWhole = (buffer: ArrayBuffer): void => {
    // Handed over to a stream meanwhile, or dropped: that one has it.
    if (this.stream !== null || this.destroyed) return;
    if (buffer.byteLength > 0) this.emit("data", Buffer.from(buffer));
    this.readableEnded = true;
    this.readable = false;
    this.emit("end");
    this.emit("close");
  };

  private readonly onError = (error: unknown): void => {
    if (this.stream !== null || this.destroyed) return;
    this.readable = false;
    // A client gone mid-body: an error for whoever listens, else just the end (as WebBody).
    if (this.listenerCount("error") > 0) this.emit("error", error);
    this.emit("close");
  };
}

for (const key of ["emit", "listenerCount", "eventNames", "rawListeners", "removeAllListeners", "listeners"] as const) {
  Object.defineProperty(LightBody.prototype, key, Object.getOwnPropertyDescriptor(EventEmitter.prototype, key)!);
}
Object.assign(LightBody.prototype, { _events: undefined, _eventsCount: 0, _maxListeners: undefined });

function noop(): void {}
