import type { Socket } from "node:net";
import type { AexRequest } from "../http/request";
import type { AexResponse } from "../http/response";
import type { BodyLimits } from "./body-limits";

type Lingering = Socket & { destroySoon(): void };

/**
 * How a request of a transport without a node socket (`aex.fetch`, Bun.serve) lingers: it
 * drains its own body and holds the answer back until then (fetch/fetch-request.ts).
 */
export const LINGER: unique symbol = Symbol("aex.linger");

/** A request that lingers its own way (see {@link LINGER}). */
interface OwnLinger {
  [LINGER](limits: BodyLimits): void;
}

/**
 * Closes the connection after this response without resetting it while the client is
 * still sending (the 413 of a large upload): node would call `socket.destroySoon()`,
 * and a socket destroyed with unread bytes answers them with RST, which makes the
 * client drop our answer unread (EPIPE/ECONNRESET). Like nginx's `lingering_close`, the
 * socket half-closes, reads and drops what still comes, and closes once the body
 * ended, the client closed, `drainLimit` bytes came or `lingerTimeout` passed.
 */
export function lingerClose(req: AexRequest, res: AexResponse, limits: BodyLimits): void {
  res.shouldKeepAlive = false;
  const own = (req as Partial<OwnLinger>)[LINGER];
  if (own !== undefined) return own.call(req, limits);
  const socket = req.socket as Lingering | null;
  if (socket === null || socket.destroyed) return;
  // An own property on this one socket, which closes after this response anyway.
  socket.destroySoon = () => {
    if (socket.writable) socket.end();
    if (req.complete || socket.readableEnded) {
      socket.destroy();
      return;
    }
    let drained = 0;
    const close = () => {
      clearTimeout(timer);
      req.off("data", count);
      socket.destroy();
    };
    const count = (chunk: Buffer) => {
      drained += chunk.length;
      if (drained > limits.drainLimit) close();
    };
    const timer = setTimeout(close, limits.lingerTimeout);
    timer.unref();
    req.on("data", count);
    req.once("end", close);
    socket.once("end", close);
    socket.once("close", () => clearTimeout(timer));
    req.resume();
  };
}
