import type { Logger } from "pino";
import { HttpError, toHttpError } from "../errors/http-error";
import type { AexRequest } from "../http/request";
import type { AexResponse } from "../http/response";
import { sendError } from "../http/send-error";
import type { RequestIds } from "../ops/request-id";
import { pathOf } from "../router/path-of";
import { Scope, type SharedScope } from "../scope/scope";

/** A custom error handler: answer `error` (already an {@link HttpError}) yourself. */
export type ErrorHandler = (error: HttpError, req: AexRequest, res: AexResponse, scope: Scope) => unknown;

/**
 * The app's one error path: every error response goes through {@link ErrorPath.answer} (a
 * step or handler that threw, a 404 with a custom error handler, a 405, a handler timeout, a
 * refusal while closing, a bad Host, and from packages render and `beforeEnd` failures and
 * refused upgrades).
 */
export class ErrorPath {
  /** The app's `setErrorHandler`, if any. */
  handler: ErrorHandler | null = null;

  constructor(
    private readonly log: Logger,
    private readonly requestIds: RequestIds,
    private readonly dev: boolean,
    private readonly shared: SharedScope,
  ) {}

  /**
   * Logs `error` (5xx at `error` with its stack, 4xx at `info`), gives it to the custom
   * error handler, and unless that answered, sends problem details (or an HTML page to a
   * browser); messages and stacks of 5xx errors only in development.
   */
  async answer(error: unknown, req: AexRequest, res: AexResponse, scope?: Scope): Promise<void> {
    const httpError = toHttpError(error);
    const id = (req.id as string | undefined) ?? (req.id = this.requestIds.next());
    this.logError(httpError, req, id);
    if (this.handler !== null) {
      const errorScope = scope ?? new Scope(this.shared, undefined, null, id);
      try {
        await this.handler(httpError, req, res, errorScope);
        if (res.answered) return;
      } catch (handlerError) {
        this.log.error({ reqId: id, err: handlerError }, "the error handler failed");
      }
    }
    sendError(res, httpError, { dev: this.dev, requestId: id });
  }

  /** A handler that did not answer within `handlerTimeout`: 503 `AEX_HANDLER_TIMEOUT`. */
  timedOut(res: AexResponse): void {
    const error = new HttpError(503, "The request was not answered in time", {
      code: "AEX_HANDLER_TIMEOUT",
      expose: true,
    });
    void this.answer(error, res.req, res);
  }

  /** While closing: a request on a kept-alive connection gets a 503 and the connection closes. */
  refuseWhileClosing(req: AexRequest, res: AexResponse): void {
    res.shouldKeepAlive = false;
    // HTTP/2 has no Connection header (node refuses it); its sessions end with GOAWAY.
    if (req.httpVersionMajor < 2) res.setHeader("Connection", "close");
    const error = new HttpError(503, "The server is shutting down", { code: "AEX_SHUTTING_DOWN", expose: true });
    void this.answer(error, req, res);
  }

  private logError(error: HttpError, req: AexRequest, id: string): void {
    const fields = { reqId: id, method: req.method, url: pathOf(req.url), status: error.status, code: error.code };
    // A bug (an unexposed 5xx) is an error with its stack; a deliberate 5xx (timeout,
    // shutdown, a store down) a warning; bad input is information.
    if (error.status < 500) this.log.info(fields, error.message);
    else if (error.expose) this.log.warn(fields, error.message);
    else this.log.error({ ...fields, err: error.cause instanceof Error ? error.cause : error }, error.message);
  }
}
