import type { IncomingMessage } from "node:http";

/**
 * The client's address as the guards key it (rate limits, bans, connection caps).
 * Today the socket's peer; once trusted proxies land (`req.ip`), this is the one line
 * to switch, so every guard follows the proxy settings at once.
 *
 * @example
 * const key = clientIp(req); // "127.0.0.1"
 */
export function clientIp(req: IncomingMessage): string {
  return req.socket.remoteAddress ?? "unknown";
}
