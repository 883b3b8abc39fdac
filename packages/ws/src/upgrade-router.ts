import type { IncomingMessage, Server } from "node:http";
import type { Duplex } from "node:stream";
import { STATUS_CODES } from "node:http";
import debug from "debug";

const log = debug("aex:ws");

/** A WebSocket server as the router sees it. */
export interface UpgradeTarget {
  /** True if it serves this upgrade request's path. */
  accepts(req: IncomingMessage): boolean;
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
}

/** Writes an HTTP error answer on a socket not yet upgraded, then closes it. */
export function refuseUpgrade(socket: Duplex, status: number, body: object): void {
  if (socket.destroyed) return;
  const json = JSON.stringify(body);
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? "Error"}\r\n` +
      "Connection: close\r\nContent-Type: application/json; charset=utf-8\r\n" +
      `Content-Length: ${Buffer.byteLength(json)}\r\n\r\n${json}`,
  );
}

/**
 * One `upgrade` listener per HTTP server, dispatching to the WebSocket servers attached
 * to it by path, so several can share a server; nobody's path: 404.
 */
class UpgradeRouter {
  readonly targets: UpgradeTarget[] = [];

  constructor(server: Server) {
    server.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      // A client that resets mid-handshake must not become an unhandled error.
      socket.on("error", (error) => log("socket error during upgrade: %s", error.message));
      const target = this.targets.find((t) => t.accepts(req));
      if (target === undefined) {
        refuseUpgrade(socket, 404, { statusCode: 404, error: "Not Found", code: "AEX_WS_NO_SERVER" });
        return;
      }
      target.handleUpgrade(req, socket, head);
    });
  }
}

const routers = new WeakMap<Server, UpgradeRouter>();

/** Attaches `target` to `server`'s upgrades; returns the function that detaches it. */
export function attach(server: Server, target: UpgradeTarget): () => void {
  let router = routers.get(server);
  if (router === undefined) routers.set(server, (router = new UpgradeRouter(server)));
  router.targets.push(target);
  const targets = router.targets;
  return () => {
    const index = targets.indexOf(target);
    if (index !== -1) targets.splice(index, 1);
  };
}
