import { HttpError } from "../errors/http-error";
import { CONTINUE, type AexRequest } from "../http/request";
import type { AexResponse } from "../http/response";
import type { BodyLimits } from "./body-limits";
import { SLOT } from "../http/slot-list";
import { bodyWatch, type WatchedRead } from "./body-watch";
import { lingerClose } from "./linger-close";

/** What watches one body read: stop it when the read settles. */
export interface BodyGuard {
  /** Stops watching (the read settled). */
  stop(): void;
  /** Refuses the body: stops, linger-closes the connection, and fails the read with `error`. */
  refuse(error: HttpError): void;
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
 * Watches one body read (see {@link guardBody}): one object per read, which is also the
 * read the process's {@link bodyWatch} follows, with methods rather than closures made per
 * request. A reader that keeps state of its own extends it and gets the refusal in
 * {@link Guard.failed}.
 */
export abstract class Guard implements BodyGuard, WatchedRead {
  readonly total: number;
  readonly idle: number;
  chunks = 0;
  started = 0;
  progressed = 0;
  seen = 0;
  [SLOT] = -1;
  /** Set once the read settled (stopped or refused). */
  protected done = false;
  /** Bytes received so far. */
  protected size = 0;
  /** The guard's own `data` listener, when it listens itself. */
  private listener: ((chunk: Buffer) => void) | null = null;

  constructor(
    protected readonly req: AexRequest,
    protected readonly res: AexResponse,
    protected readonly limit: number | null,
    protected readonly limits: BodyLimits,
  ) {
    this.total = limits.bodyTimeout;
    this.idle = limits.bodyIdleTimeout;
  }

  /** Fails the read with `error` (once, after the guard stopped and linger-closed). */
  protected abstract failed(error: HttpError): void;

  /**
   * Starts watching: refuses at once a `Content-Length` past the limit, else (unless the body
   * was received whole already) follows its time. With `listen`, counts chunks itself.
   */
  protected watch(listen: boolean): void {
    const req = this.req;
    const limit = this.limit;
    if (listen) this.listener = (chunk) => this.received(chunk);
    if (limit !== null && Number(req.headers["content-length"]) > limit) {
      this.refuse(tooLarge(limit));
      req.resume();
      return;
    }
    if (req.complete) return;
    if (this.listener !== null) req.on("data", this.listener);
    if (this.total > 0 || this.idle > 0) bodyWatch.add(this);
  }

  stop(): void {
    this.done = true;
    if (this[SLOT] !== -1) bodyWatch.delete(this);
    if (this.listener !== null) this.req.off("data", this.listener);
  }

  refuse(error: HttpError): void {
    if (this.done) return;
    this.stop();
    // Refused before the client was told to go on: it is never told (the body is drained).
    this.req[CONTINUE] = null;
    lingerClose(this.req, this.res, this.limits);
    this.failed(error);
  }

  received(chunk: Buffer): void {
    this.chunks++;
    this.size += chunk.length;
    const limit = this.limit;
    if (limit !== null && this.size > limit) this.refuse(tooLarge(limit));
  }

  /** The body watch found the read too slow ({@link WatchedRead.expire}). */
  expire(why: "total" | "idle"): void {
    this.refuse(timedOut(why === "total" ? `took longer than ${this.total} ms` : `stalled for ${this.idle} ms`));
  }
}

/** A guard that fails its read through a callback. */
class CallbackGuard extends Guard {
  constructor(
    req: AexRequest,
    res: AexResponse,
    limit: number | null,
    limits: BodyLimits,
    private readonly fail: (error: HttpError) => void,
    listen: boolean,
  ) {
    super(req, res, limit, limits);
    this.watch(listen);
  }

  protected failed(error: HttpError): void {
    this.fail(error);
  }
}

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
  return new CallbackGuard(req, res, limit, limits, fail, listen);
}
