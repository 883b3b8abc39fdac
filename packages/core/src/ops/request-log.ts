import type { Logger } from "pino";
import type { AexResponse } from "../http/response";
import { sentLength } from "./sent-length";

/**
 * Makes the `finish` listener that logs one `info` line per request: method, route
 * pattern (never the raw URL; absent when no route matched), status, duration in ms, request id and bytes
 * (the Content-Length sent, when known). Made once per app; node calls it with the
 * response as `this`, so no closure is made per request.
 *
 * @example
 * res.once("finish", requestLogger(app.log));
 */
export function requestLogger(log: Logger): (this: AexResponse) => void {
  return function logRequest(this: AexResponse): void {
    const req = this.req;
    const length = sentLength(this);
    log.info(
      {
        reqId: req.id,
        method: req.method,
        route: req.route,
        status: this.statusCode,
        ms: Date.now() - this.startedAt,
        bytes: length === -1 ? undefined : length,
      },
      "request",
    );
  };
}
