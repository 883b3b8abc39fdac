import { randomBytes } from "node:crypto";
import { connect, type Socket } from "node:net";
import { connect as connectTls } from "node:tls";

/** A frame the server sent: its opcode (1 text, 2 binary, 8 close, 9 ping, 10 pong) and payload. */
export interface Frame {
  opcode: number;
  payload: Buffer;
}

/**
 * A WebSocket client over a bare TCP socket, on node and on Bun alike: it shows the 101's
 * head, sends masked frames, and can stop answering pings or reading, which the WebSocket
 * clients of the two runtimes cannot be told to do.
 */
export class RawClient {
  readonly frames: Frame[] = [];
  /** Whether the server closed the TCP connection. */
  ended = false;
  /** What followed a refusal's head (its body), as the server sent it. */
  body = Buffer.alloc(0);
  private buffered = Buffer.alloc(0);
  private waiters: (() => void)[] = [];

  private constructor(
    readonly socket: Socket,
    /** The handshake's answer: status line and headers, as sent. */
    readonly head: string,
    rest: Buffer,
  ) {
    socket.on("data", (chunk: Buffer) => this.take(chunk));
    socket.on("close", () => {
      this.ended = true;
      this.wake();
    });
    socket.on("error", () => undefined);
    if (rest.length > 0) this.take(rest);
  }

  /** Opens `path` on `port` with the handshake's headers (and `headers`, which may replace them). */
  static open(
    port: number,
    path: string,
    headers: Record<string, string> = {},
    /** Over TLS, trusting this certificate (wss:). */
    tls?: { ca: Buffer },
  ): Promise<RawClient> {
    const all: Record<string, string> = {
      host: `127.0.0.1:${port}`,
      connection: "Upgrade",
      upgrade: "websocket",
      "sec-websocket-key": randomBytes(16).toString("base64"),
      "sec-websocket-version": "13",
      ...headers,
    };
    const lines = Object.entries(all).map(([name, value]) => `${name}: ${value}\r\n`);
    return new Promise((resolve, reject) => {
      const hello = () => socket.write(`GET ${path} HTTP/1.1\r\n${lines.join("")}\r\n`);
      const socket: Socket =
        tls === undefined
          ? connect(port, "127.0.0.1", hello)
          : connectTls({ port, host: "127.0.0.1", ca: tls.ca, servername: "localhost" }, hello);
      let received = Buffer.alloc(0);
      const onData = (chunk: Buffer) => {
        received = Buffer.concat([received, chunk]);
        const end = received.indexOf("\r\n\r\n");
        if (end === -1) return;
        socket.off("data", onData);
        socket.off("error", reject);
        resolve(new RawClient(socket, received.subarray(0, end).toString("latin1"), received.subarray(end + 4)));
      };
      socket.on("data", onData);
      socket.on("error", reject);
    });
  }

  /** The status of the handshake's answer. */
  get status(): number {
    return Number(this.head.split(" ")[1]);
  }

  /** The value of a header of the handshake's answer (the first, by lower-case name). */
  header(name: string): string | undefined {
    const line = this.head.split("\r\n").find((l) => l.toLowerCase().startsWith(`${name}:`));
    return line?.slice(name.length + 1).trim();
  }

  /** Sends one masked frame (a client must mask). */
  sendFrame(opcode: number, payload: Buffer | string): void {
    const data = Buffer.from(payload);
    const mask = randomBytes(4);
    const length = data.length;
    let head: Buffer;
    if (length < 126) head = Buffer.from([0x80 | opcode, 0x80 | length]);
    else if (length < 65536) head = Buffer.from([0x80 | opcode, 0x80 | 126, length >> 8, length & 0xff]);
    else {
      head = Buffer.alloc(10);
      head[0] = 0x80 | opcode;
      head[1] = 0x80 | 127;
      head.writeBigUInt64BE(BigInt(length), 2);
    }
    const masked = Buffer.alloc(length);
    for (let i = 0; i < length; i++) masked[i] = data[i] ^ mask[i % 4];
    this.socket.write(Buffer.concat([head, mask, masked]));
  }

  /** Waits for a frame of `opcode` not yet taken; null if the connection ends first. */
  async next(opcode: number, timeoutMs = 5000): Promise<Frame | null> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const index = this.frames.findIndex((f) => f.opcode === opcode);
      if (index !== -1) return this.frames.splice(index, 1)[0];
      if (this.ended) return null;
      if (Date.now() > deadline) throw new Error(`no frame of opcode ${opcode} within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 50);
      });
    }
  }

  /** Resolves once the server closed the TCP connection. */
  async gone(timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.ended) {
      if (Date.now() > deadline) throw new Error(`still connected after ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 50);
      });
    }
  }

  private take(chunk: Buffer): void {
    if (this.status !== 101) {
      this.body = Buffer.concat([this.body, chunk]);
      return this.wake();
    }
    this.buffered = Buffer.concat([this.buffered, chunk]);
    for (;;) {
      const b = this.buffered;
      if (b.length < 2) break;
      let length = b[1] & 0x7f;
      let offset = 2;
      if (length === 126) {
        if (b.length < 4) break;
        length = b.readUInt16BE(2);
        offset = 4;
      } else if (length === 127) {
        if (b.length < 10) break;
        length = Number(b.readBigUInt64BE(2));
        offset = 10;
      }
      if (b.length < offset + length) break;
      this.frames.push({ opcode: b[0] & 0x0f, payload: b.subarray(offset, offset + length) });
      this.buffered = b.subarray(offset + length);
    }
    this.wake();
  }

  private wake(): void {
    this.waiters.splice(0).forEach((wake) => wake());
  }
}
