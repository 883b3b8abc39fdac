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
  if (req instanceof AexRequest) return req.ip;
  return req.socket.remoteAddress ?? "unknown";
}
