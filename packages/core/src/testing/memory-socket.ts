import { Duplex } from "node:stream";

/**
 * One end of an in-memory connection: what one end writes, the other reads. Node's
 * HTTP server and client both accept such a stream as their socket, so a request can
 * travel the whole HTTP stack without a port.
 */
export class MemorySocket extends Duplex {
  peer!: MemorySocket;
  readonly remoteAddress = "127.0.0.1";
  readonly remotePort = 0;
  readonly remoteFamily = "IPv4";
  readonly localAddress = "127.0.0.1";
  readonly localPort = 0;
  readonly encrypted = false;

  override _read(): void {
    // Data is pushed by the peer's writes.
  }

  // Writes reach the peer on a later tick, as over a network, never inside the writer's own
  // call: delivered at once, a WebSocket close frame was answered before its sender had
  // marked itself closing, and ws left a 30 s close timer behind (the test process then
  // waited for it). Ticks keep the order of writes, end and destroy.
  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    process.nextTick(() => {
      if (!this.peer.destroyed) this.peer.push(chunk);
      callback();
    });
  }

  override _final(callback: (error?: Error | null) => void): void {
    process.nextTick(() => {
      if (!this.peer.destroyed) this.peer.push(null);
      callback();
    });
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    process.nextTick(() => {
      if (!this.peer.destroyed && !this.peer.readableEnded) this.peer.push(null);
    });
    callback(error);
  }

  // The socket methods node's HTTP code calls; a memory stream has nothing to tune.
  setTimeout(_ms: number, callback?: () => void): this {
    if (callback) this.once("timeout", callback);
    return this;
  }
  setNoDelay(): this {
    return this;
  }
  setKeepAlive(): this {
    return this;
  }
  ref(): this {
    return this;
  }
  unref(): this {
    return this;
  }
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
