import { randomBytes } from "node:crypto";
import type { AexRequest } from "../http/request";

// A client id is echoed in headers, logs and bodies: only plain, header-safe characters.
const SAFE_ID = /^[A-Za-z0-9\-_.:/+=@]{1,128}$/;

/**
 * Gives each request an id. Generated ids are a per-process random prefix and a
 * counter (`k3x9q2-1f`): unique enough to find one request in the logs, at the cost of
 * an increment, not of a random number per request.
 *
 * @example
 * const ids = new RequestIds({ trust: true, header: "x-request-id" });
 * req.id = ids.of(req);
 */
export class RequestIds {
  private readonly prefix = randomBytes(4).readUInt32BE(0).toString(36) + "-";
  private count = 0;

  constructor(private readonly options: { readonly trust: boolean; readonly header: string }) {}

  /** The id of `req`: its trusted header when valid, a new one otherwise. */
  of(req: AexRequest): string {
    if (this.options.trust) {
      const given = req.headers[this.options.header];
      if (typeof given === "string" && SAFE_ID.test(given)) return given;
    }
    return this.next();
  }

  /** A new id. */
  next(): string {
    return this.prefix + (++this.count).toString(36);
  }
}

/** Whether a client-supplied request id is acceptable. */
export function isSafeRequestId(id: string): boolean {
  return SAFE_ID.test(id);
}
