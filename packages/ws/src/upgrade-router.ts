import type { IncomingMessage, Server } from "node:http";
import type { Duplex } from "node:stream";
import { STATUS_CODES } from "node:http";
import type { RouteEntry } from "@aex/core";
import debug from "debug";

const log = debug("aex:ws");

/** Where a WebSocket server's path pattern matched: its entry and the raw param values. */
export interface UpgradeMatch {
  readonly entry: RouteEntry<true>;
  readonly values: readonly string[];
}

/** A WebSocket server as the router sees it. */
export interface UpgradeTarget {
  /** Its match for this upgrade request's path, or null if it does not serve it. */
  match(req: IncomingMessage): UpgradeMatch | null;
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, match: UpgradeMatch): void;
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
      for (const target of this.targets) {
        const match = target.match(req);
        if (match !== null) return target.handleUpgrade(req, socket, head, match);
      }
      refuseUpgrade(socket, 404, { statusCode: 404, error: "Not Found", code: "AEX_WS_NO_SERVER" });
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
