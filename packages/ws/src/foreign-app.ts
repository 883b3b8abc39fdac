import type { IncomingMessage, Server } from "node:http";
import type { Duplex } from "node:stream";
import { Aex, type AexRequest } from "@aex/core";

/**
 * A node server Aex did not make: an app of its own runs its upgrades (with Aex's
 * request helpers), so they walk the same line as an app's.
 */
export function foreignApp(server: Server, detachers: (() => void)[]): Aex {
  const app = new Aex().prepare();
  const listener = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    Object.setPrototypeOf(req, app.Request.prototype);
    app.handleUpgrade(req as AexRequest, socket, head);
  };
  server.on("upgrade", listener);
  detachers.push(() => server.off("upgrade", listener));
  return app;
}
