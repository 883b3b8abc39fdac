import type { IncomingMessage } from "node:http";
import { AexRequest } from "../http/request";

/**
 * The client's address as the guards key it (rate limits, bans, connection caps):
 * `req.ip`, which follows the app's `trustProxy` setting (a trusted proxy's
 * `X-Forwarded-For`), else the socket's peer.
 *
 * @example
 * const key = clientIp(req); // "127.0.0.1"
 */
export function clientIp(req: IncomingMessage): string {
  // An AexRequest, or a transport's request with its helpers (HTTP/2, aex.fetch): `req.ip`.
  const ip = req instanceof AexRequest ? req.ip : (req as Partial<AexRequest>).ip;
  if (typeof ip === "string") return ip;
  return req.socket.remoteAddress ?? "unknown";
}
