import { HttpError, type AexRequest } from "@aex/core";
import type { WS_HTTP_ERROR_CODES } from "./errors";

/** A Sec-WebSocket-Key: 16 random bytes in base64 (RFC 6455 §4.1). */
const KEY = /^[+/0-9A-Za-z]{22}==$/;

/**
 * Refuses an upgrade request that is no WebSocket handshake (RFC 6455 §4.2.1) with 400
 * `AEX_WS_HANDSHAKE`, before anything is upgraded: one answer, through the app's error path,
 * whichever server upgrades (the `ws` package on node:http, Bun.serve natively), where each
 * would otherwise answer in its own words.
 */
export function checkHandshake(req: AexRequest): void {
  const headers = req.headers;
  const upgrade = headers.upgrade;
  let problem: string | null = null;
  if (typeof upgrade !== "string" || upgrade.toLowerCase() !== "websocket") problem = "Upgrade must be websocket";
  else if (typeof headers["sec-websocket-key"] !== "string" || !KEY.test(headers["sec-websocket-key"]))
    problem = "Sec-WebSocket-Key is missing or not 16 bytes in base64";
  else if (headers["sec-websocket-version"] !== "13") problem = "Sec-WebSocket-Version must be 13";
  if (problem === null) return;
  throw new HttpError(400, `Not a WebSocket handshake: ${problem}`, {
    code: "AEX_WS_HANDSHAKE" satisfies keyof typeof WS_HTTP_ERROR_CODES,
    headers: { "Sec-WebSocket-Version": "13" },
  });
}
