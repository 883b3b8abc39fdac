import { HttpError } from "../errors/http-error";
import { CONTINUE, type AexRequest } from "../http/request";
import type { AexResponse } from "../http/response";
import type { BodyLimits } from "./body-limits";
import { SLOT } from "../http/slot-list";
import { bodyWatch, type WatchedRead } from "./body-watch";
import { lingerClose } from "./linger-close";

/** A body read's refusal: answer this error, then close without resetting the client. */
export type Refuse = (error: HttpError) => void;

/** What watches one body read: stop it when the read settles. */
export interface BodyGuard {
  /** Stops watching (the read settled). */
  stop(): void;
  /** Refuses the body: stops, linger-closes the connection, and fails the read with `error`. */
  refuse: Refuse;
  /** Counts a chunk the reader received (when the guard does not listen itself). */
  received(chunk: Buffer): void;
}

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
 * than `bodyTimeout` or stays silent for `bodyIdleTimeout` (408; the process's one
 * {@link bodyWatch} keeps time). Every refusal linger-closes the connection
 * ({@link lingerClose}). With `listen` false the reader passes each chunk to `received`
 * instead of the guard adding a `data` listener of its own.
 */
export function guardBody(
  req: AexRequest,
  res: AexResponse,
  limit: number | null,
  limits: BodyLimits,
  fail: (error: HttpError) => void,
  listen = true,
): BodyGuard {
  let done = false;
  let size = 0;
  let read: WatchedRead | null = null;
  const guard: BodyGuard = {
    stop() {
      done = true;
      if (read !== null) bodyWatch.delete(read);
      if (listen) req.off("data", guard.received);
    },
    refuse(error) {
      if (done) return;
      guard.stop();
      // Refused before the client was told to go on: it is never told (the body is drained).
      req[CONTINUE] = null;
      lingerClose(req, res, limits);
      fail(error);
    },
    received(chunk) {
      if (read !== null) read.chunks++;
      size += chunk.length;
      if (limit !== null && size > limit) guard.refuse(tooLarge(limit));
    },
  };
  if (limit !== null && Number(req.headers["content-length"]) > limit) {
    guard.refuse(tooLarge(limit));
    req.resume();
    return guard;
  }
  if (req.complete) return guard;
  if (listen) req.on("data", guard.received);
  const { bodyTimeout, bodyIdleTimeout } = limits;
  if (bodyTimeout > 0 || bodyIdleTimeout > 0) {
    read = {
      total: bodyTimeout,
      idle: bodyIdleTimeout,
      chunks: 0,
      started: 0,
      progressed: 0,
      seen: 0,
      expire: (why) =>
        guard.refuse(
          timedOut(why === "total" ? `took longer than ${bodyTimeout} ms` : `stalled for ${bodyIdleTimeout} ms`),
        ),
      [SLOT]: -1,
    };
    bodyWatch.add(read);
  }
  return guard;
}
