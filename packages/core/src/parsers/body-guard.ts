import { HttpError } from "../errors/http-error";
import type { AexRequest } from "../http/request";
import type { AexResponse } from "../http/response";
import type { BodyLimits } from "./body-limits";
import { lingerClose } from "./linger-close";

/** A body read's refusal: answer this error, then close without resetting the client. */
export type Refuse = (error: HttpError) => void;

const tooLarge = (limit: number) =>
  new HttpError(413, `request entity too large (limit ${limit} bytes)`, {
    code: "AEX_BODY_TOO_LARGE",
    headers: { Connection: "close" },
  });

const timedOut = (what: string) =>
  new HttpError(408, `The request body ${what}`, { code: "AEX_BODY_TIMEOUT", headers: { Connection: "close" } });

/**
 * Watches one body read. It refuses (through `fail`, once) a body whose `Content-Length`
 * or received bytes pass `limit` (413; `null`: the parser counts), or that takes longer
 * than `bodyTimeout` or stays silent for `bodyIdleTimeout` (408). Every refusal
 * linger-closes the connection ({@link lingerClose}). Returns the function that stops
 * watching, to call when the read settles.
 */
export function guardBody(
  req: AexRequest,
  res: AexResponse,
  limit: number | null,
  limits: BodyLimits,
  fail: (error: HttpError) => void,
): { stop: () => void; refuse: Refuse } {
  let done = false;
  let timer: NodeJS.Timeout | null = null;
  let size = 0;
  let chunks = 0;
  const stop = () => {
    done = true;
    if (timer !== null) clearTimeout(timer);
    req.off("data", onData);
  };
  const refuse: Refuse = (error) => {
    if (done) return;
    stop();
    lingerClose(req, res, limits);
    fail(error);
  };
  const onData = (chunk: Buffer) => {
    chunks++;
    size += chunk.length;
    if (limit !== null && size > limit) refuse(tooLarge(limit));
  };
  if (limit !== null && Number(req.headers["content-length"]) > limit) {
    refuse(tooLarge(limit));
    req.resume();
    return { stop, refuse };
  }
  if (req.complete) return { stop, refuse };
  req.on("data", onData);
  const { bodyTimeout, bodyIdleTimeout } = limits;
  if (bodyTimeout > 0 || bodyIdleTimeout > 0) {
    const started = Date.now();
    let seen = 0;
    const every = (left: number) => (bodyIdleTimeout > 0 ? Math.min(bodyIdleTimeout, left) : left);
    const check = () => {
      const left = bodyTimeout > 0 ? bodyTimeout - (Date.now() - started) : Infinity;
      if (left <= 0) refuse(timedOut(`took longer than ${bodyTimeout} ms`));
      else if (bodyIdleTimeout > 0 && chunks === seen) refuse(timedOut(`stalled for ${bodyIdleTimeout} ms`));
      else {
        seen = chunks;
        timer = setTimeout(check, every(left));
        timer.unref();
      }
    };
    timer = setTimeout(check, every(bodyTimeout > 0 ? bodyTimeout : Infinity));
    timer.unref();
  }
  return { stop, refuse };
}
