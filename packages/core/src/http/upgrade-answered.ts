import type { AexResponse } from "./response";

/**
 * Ends the answer of an upgrade request that was upgraded, on every transport alike: its
 * status is 101 (the WebSocket server or the transport wrote that head itself), and its
 * `close` runs the response's `onResponse` hooks (the request log, metrics) once, as the end
 * of any answer does. Not `finish`: on node:http the upgrade's response ends its socket on
 * `finish`, and the socket is the connection's now.
 *
 * @example
 * wss.handleUpgrade(req, socket, head, (websocket) => {
 *   upgradeAnswered(res);
 *   // … the connection is yours
 * });
 */
export function upgradeAnswered(res: AexResponse): void {
  res.statusCode = 101;
  res.emit("close");
}
