import type { IncomingMessage, ServerResponse } from "node:http";
import type { IAsyncMiddleware } from "../pipeline/types";

/** An Express/Connect middleware: `(req, res, next)`. */
export type ExpressMiddleware = (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void) => unknown;

/**
 * Turns an Express/Connect middleware into an Aex step. `next()` goes on,
 * `next(error)` becomes an error response, a thrown error too; a middleware that answers
 * without calling `next` (a CORS preflight, a static file) ends the line instead of
 * leaving the request hanging.
 *
 * @example
 * import cors from "cors";
 * aex.use(toAsyncMiddleware(cors()));
 */
export function toAsyncMiddleware(middleware: ExpressMiddleware): IAsyncMiddleware {
  return (req, res) =>
    new Promise<boolean>((resolve, reject) => {
      let settled = false;
      const finish = (): void => {
        if (settled) return;
        settled = true;
        res.off("finish", finish);
        res.off("close", finish);
        resolve(false);
      };
      const next = (error?: unknown): void => {
        if (settled) return;
        settled = true;
        res.off("finish", finish);
        res.off("close", finish);
        // Express's next("route") / next("router") only skip Express routes: go on.
        if (error !== undefined && error !== null && error !== "route" && error !== "router") reject(error);
        else resolve(true);
      };
      res.once("finish", finish);
      res.once("close", finish);
      try {
        const returned = middleware(req, res, next);
        if (typeof (returned as Promise<unknown> | undefined)?.then === "function") {
          (returned as Promise<unknown>).then(undefined, next);
        }
      } catch (error) {
        next(error);
      }
    });
}
