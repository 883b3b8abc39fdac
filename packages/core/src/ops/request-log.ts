import type { Logger } from "pino";
import type { OnResponse } from "../http/response-hooks";
import { sentLength } from "./sent-length";

/**
 * Makes the `onResponse` hook that logs one `info` line per request once its answer is over:
 * method, route pattern (never the raw URL; absent when no route matched), status, duration in
 * ms, request id and bytes (the Content-Length sent, when known), and `aborted: true` when the
 * connection closed before the answer was sent. Made once per app.
 *
 * @example
 * aex.addResponseHooks({ onResponse: requestLogger(app.log) });
 */
export function requestLogger(log: Logger): OnResponse {
  return function logRequest(req, res): void {
    const length = sentLength(res);
    log.info(
      {
        reqId: req.id,
        method: req.method,
        route: req.route,
        status: res.statusCode,
        ms: Date.now() - res.startedAt,
        bytes: length === -1 ? undefined : length,
        // A 101's head was written by whoever took the connection over (upgradeAnswered).
        aborted: res.writableFinished || res.statusCode === 101 ? undefined : true,
      },
      "request",
    );
  };
}
