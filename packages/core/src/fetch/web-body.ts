import { Readable } from "node:stream";

/**
 * Bodies up to this many bytes, by their Content-Length, are read in one call, not chunk by
 * chunk (here and by `LightBody`). The body guard sees no chunk of such a
 * read until the last, so `bodyIdleTimeout` bounds the whole arrival: 16 KiB in the default
 * 10 s asks 1.6 KB/s of a client, less than a dial-up line. At 64 KiB a body sent steadily at
 * 5 KB/s got a 408.
 */
export const WHOLE_BODY_MAX = 16 * 1024;

/** A Web stream's reader, as far as this reads one. */
interface Reader {
  read(): Promise<{ done: boolean; value?: ArrayBufferView }>;
  cancel(): Promise<void>;
}

/**
 * A node `Readable` over the body of a Web `Request`, so the parsers written for node's
 * `IncomingMessage` (the JSON reader, body-parser, busboy) read it unchanged. Made when
 * something first reads the body (a bodiless request never makes one). A small body whose
 * length is known comes in one `arrayBuffer()` call, which Bun answers from what it already
 * received without a stream; a larger or chunked one is pulled chunk by chunk, so the
 * body limits and timeouts count it as it comes.
 */
export class WebBody extends Readable {
  private reader: Reader | null = null;
  private started = false;
  /** The request's signal, listened to while the body is read. */
  private signal: AbortSignal | null = null;

  /** `length`: the body's Content-Length (-1: unknown), or null for a request without a body. */
  constructor(
    private readonly source: Request,
    private readonly length: number | null,
  ) {
    super();
    if (length === null) {
      this.started = true;
      this.push(null);
    }
  }

  override _read(): void {
    if (this.reader !== null) {
      this.reader.read().then(this.onChunk, this.onError);
      return;
    }
    if (this.started) return;
    this.started = true;
    if (this.length !== null && this.length >= 0 && this.length <= WHOLE_BODY_MAX) {
      this.source.arrayBuffer().then(this.onWhole, this.onError);
      return;
    }
    const body = this.source.body;
    if (body === null) {
      this.push(null);
      return;
    }
    // A request whose signal aborts (Bun: the client went away; a caller that gave up) ends
    // its body as a client gone mid-body does, not after the body's idle timeout. Only a body
    // pulled chunk by chunk listens: a small one comes in one call.
    const signal = this.source.signal;
    if (signal.aborted) return this.onAbort();
    signal.addEventListener("abort", this.onAbort);
    this.signal = signal;
    this.reader = body.getReader() as unknown as Reader;
    this.reader.read().then(this.onChunk, this.onError);
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    // The client's bytes are no longer wanted: let the runtime drop them.
    this.reader?.cancel().catch(noop);
    this.unlisten();
    callback(error);
  }

  private readonly onWhole = (buffer: ArrayBuffer): void => {
    if (this.destroyed) return;
    if (buffer.byteLength > 0) this.push(Buffer.from(buffer));
    this.push(null);
  };

  private readonly onAbort = (): void => this.onError(new Error("request aborted"));

  private unlisten(): void {
    this.signal?.removeEventListener("abort", this.onAbort);
    this.signal = null;
  }

  private readonly onChunk = (result: { done: boolean; value?: ArrayBufferView }): void => {
    if (this.destroyed) return;
    if (result.done) {
      this.unlisten();
      this.push(null);
      return;
    }
    const value = result.value as ArrayBufferView;
    if (value.byteLength === 0) {
      this.reader?.read().then(this.onChunk, this.onError);
      return;
    }
    this.push(Buffer.from(value.buffer, value.byteOffset, value.byteLength));
  };

  // A client gone mid-body: an error for whoever reads it, else just the end of the stream (node
  // emits no unhandled `error` on a request nobody reads either).
  private readonly onError = (error: unknown): void => {
    if (this.destroyed) return;
    if (this.listenerCount("error") === 0) this.destroy();
    else this.destroy(error instanceof Error ? error : new Error(String(error)));
  };
}

function noop(): void {}
