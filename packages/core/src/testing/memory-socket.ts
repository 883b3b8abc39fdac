import { Duplex } from "node:stream";

/**
 * One end of an in-memory connection: what one end writes, the other reads. Node's
 * HTTP server and client both accept such a stream as their socket, so a request can
 * travel the whole HTTP stack without a port.
 */
export class MemorySocket extends Duplex {
  /** The other end: what this end writes, it reads. */
  peer!: MemorySocket;
  /** Always `127.0.0.1`, like a local TCP peer (`req.ip` reads it). */
  readonly remoteAddress = "127.0.0.1";
  /** Always 0: there is no port. */
  readonly remotePort = 0;
  /** Always `IPv4`. */
  readonly remoteFamily = "IPv4";
  /** Always `127.0.0.1`. */
  readonly localAddress = "127.0.0.1";
  /** Always 0: there is no port. */
  readonly localPort = 0;
  /** Always false: the connection is plain HTTP. */
  readonly encrypted = false;

  /** Duplex hook: nothing to do, the peer's writes push the data. */
  override _read(): void {
    // Data is pushed by the peer's writes.
  }

  /**
   * Duplex hook: a write here is data the peer reads, on a later tick as over a network,
   * never inside the writer's own call: delivered at once, a WebSocket close frame was
   * answered before its sender had marked itself closing, and ws left a 30 s close timer
   * behind (the test process then waited for it). Ticks keep the order of writes, end and
   * destroy.
   */
  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    process.nextTick(() => {
      if (!this.peer.destroyed) this.peer.push(chunk);
      callback();
    });
  }

  /** Duplex hook: ending this side ends what the peer reads. */
  override _final(callback: (error?: Error | null) => void): void {
    process.nextTick(() => {
      if (!this.peer.destroyed) this.peer.push(null);
      callback();
    });
  }

  /** Duplex hook: destroying this side ends what the peer reads. */
  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    process.nextTick(() => {
      if (!this.peer.destroyed && !this.peer.readableEnded) this.peer.push(null);
    });
    callback(error);
  }

  // The socket methods node's HTTP code calls; a memory stream has nothing to tune.
  /** Like `net.Socket`'s: only registers `callback` for `timeout` (a memory stream never times out). */
  setTimeout(_ms: number, callback?: () => void): this {
    if (callback) this.once("timeout", callback);
    return this;
  }
  /** Like `net.Socket`'s; nothing to tune. */
  setNoDelay(): this {
    return this;
  }
  /** Like `net.Socket`'s; nothing to tune. */
  setKeepAlive(): this {
    return this;
  }
  /** Like `net.Socket`'s; a memory stream never holds the process open. */
  ref(): this {
    return this;
  }
  /** Like `net.Socket`'s; a memory stream never holds the process open. */
  unref(): this {
    return this;
  }
  /** Ends this side once its writes are flushed (node's HTTP server calls it). */
  destroySoon(): void {
    this.end();
  }
}

/** Two connected ends: `[client, server]`. */
export function socketPair(): [MemorySocket, MemorySocket] {
  const client = new MemorySocket();
  const server = new MemorySocket();
  client.peer = server;
  server.peer = client;
  return [client, server];
}
