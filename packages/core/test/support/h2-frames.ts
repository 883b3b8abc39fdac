import { connect, type Socket } from "node:net";

/**
 * A raw HTTP/2 (h2c) client that writes frames by hand, for what node's own client will
 * not do: ignore the server's stream limit, or reset streams in bulk (RFC 9113 §4, §6).
 */

/** One frame the server sent. */
export interface Frame {
  type: number;
  flags: number;
  stream: number;
  payload: Buffer;
}

export const FRAME = { DATA: 0, HEADERS: 1, RST_STREAM: 3, SETTINGS: 4, PING: 6, GOAWAY: 7 } as const;

const PREFACE = Buffer.from("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");

function frame(type: number, flags: number, stream: number, payload: Buffer = Buffer.alloc(0)): Buffer {
  const head = Buffer.alloc(9);
  head.writeUIntBE(payload.length, 0, 3);
  head[3] = type;
  head[4] = flags;
  head.writeUInt32BE(stream, 5);
  return Buffer.concat([head, payload]);
}

/** An HPACK string literal, not Huffman-coded (RFC 7541 §5.2); short strings only. */
function literal(text: string): Buffer {
  const bytes = Buffer.from(text);
  return Buffer.concat([Buffer.from([bytes.length]), bytes]);
}

/** A GET for `path` on `stream`, the whole request in one HEADERS frame (END_STREAM | END_HEADERS). */
export function getFrame(stream: number, path: string, authority = "localhost"): Buffer {
  const block = Buffer.concat([
    // :method GET and :scheme http from the static table (RFC 7541 Appendix A: 2 and 6).
    Buffer.from([0x82, 0x86]),
    // :path and :authority as literals without indexing, names from the static table (4 and 1).
    Buffer.from([0x04]),
    literal(path),
    Buffer.from([0x01]),
    literal(authority),
  ]);
  return frame(FRAME.HEADERS, 0x5, stream, block);
}

/** RST_STREAM for `stream`, CANCEL by default. */
export function resetFrame(stream: number, code = 0x8): Buffer {
  const payload = Buffer.alloc(4);
  payload.writeUInt32BE(code);
  return frame(FRAME.RST_STREAM, 0, stream, payload);
}

/** A PING carrying `n` (eight bytes); the peer answers it with an ACK after what came before it. */
export function pingFrame(n: number): Buffer {
  const payload = Buffer.alloc(8);
  payload.writeUInt32BE(n, 4);
  return frame(FRAME.PING, 0, 0, payload);
}

/** The error code of a RST_STREAM or GOAWAY frame. */
export function errorCode(received: Frame): number {
  return received.payload.readUInt32BE(received.type === FRAME.GOAWAY ? 4 : 0);
}

/** The settings a SETTINGS frame carries, by identifier (RFC 9113 §6.5.2). */
export function settingsOf(received: Frame): Map<number, number> {
  const settings = new Map<number, number>();
  for (let at = 0; at + 6 <= received.payload.length; at += 6) {
    settings.set(received.payload.readUInt16BE(at), received.payload.readUInt32BE(at + 2));
  }
  return settings;
}

/** A raw connection: what it received so far, and a way to wait for a frame. */
export interface RawH2 {
  readonly socket: Socket;
  readonly frames: Frame[];
  /** Resolves once the server closed the connection. */
  readonly closed: Promise<void>;
  /** Writes bytes (frames). */
  send(bytes: Buffer): void;
  /** Resolves with the first frame `match` accepts, received already or later. */
  waitFor(match: (received: Frame) => boolean): Promise<Frame>;
}

/**
 * Opens an h2c connection and sends the preface and an empty SETTINGS frame. With `ack`,
 * it acknowledges the server's SETTINGS (as every client does); without, the server's
 * limits are not yet in force for it (RFC 9113 §6.5.3).
 */
export function rawH2(port: number, options: { ack?: boolean } = {}): Promise<RawH2> {
  return new Promise((resolve, reject) => {
    const frames: Frame[] = [];
    const waiters: { match: (received: Frame) => boolean; resolve: (received: Frame) => void }[] = [];
    let buffered = Buffer.alloc(0);
    const socket = connect(port, "127.0.0.1", () => {
      socket.write(Buffer.concat([PREFACE, frame(FRAME.SETTINGS, 0, 0)]));
      resolve({
        socket,
        frames,
        closed,
        send: (bytes) => void socket.write(bytes),
        waitFor: (match) =>
          new Promise((found) => {
            const seen = frames.find(match);
            if (seen !== undefined) found(seen);
            else waiters.push({ match, resolve: found });
          }),
      });
    });
    const closed = new Promise<void>((done) => socket.once("close", () => done()));
    socket.on("error", reject);
    socket.on("data", (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      while (buffered.length >= 9) {
        const length = buffered.readUIntBE(0, 3);
        if (buffered.length < 9 + length) break;
        const received: Frame = {
          type: buffered[3],
          flags: buffered[4],
          stream: buffered.readUInt32BE(5) & 0x7fffffff,
          payload: buffered.subarray(9, 9 + length),
        };
        buffered = buffered.subarray(9 + length);
        frames.push(received);
        if (options.ack === true && received.type === FRAME.SETTINGS && (received.flags & 1) === 0) {
          socket.write(frame(FRAME.SETTINGS, 1, 0));
        }
        for (const waiter of [...waiters]) {
          if (waiter.match(received)) {
            waiters.splice(waiters.indexOf(waiter), 1);
            waiter.resolve(received);
          }
        }
      }
    });
  });
}
