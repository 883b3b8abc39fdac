import type { AexRequest } from "../http/request";
import type { AexResponse } from "../http/response";
import { hasValidHost } from "./fetch-host";
import { fetchClasses, type FetchClasses } from "./fetch-classes";
import type { PeerSource } from "./fetch-socket";
import { RESOLVE, type FetchResponse, type OnStreaming } from "./fetch-response";

/** The request entry's way in for a request whose transport checked its Host (app/request-entry.ts). */
export type CheckedEntry = (req: AexRequest, res: AexResponse, hostIsValid: boolean) => void;

// The executor of every pending answer's promise: it hands its resolve over without a closure per request.
let pendingResolve: ((response: Response) => void) | null = null;
const takeResolve = (resolve: (response: Response) => void): void => {
  pendingResolve = resolve;
};

/**
 * Serves Web `Request`s with an app: makes the request and response facades of the app's
 * classes, and sends them through the app's one entry, so steps, guards, the error path,
 * security headers, sessions, limits, logs and metrics apply as on node's transport. The
 * answer is the `Response` the facade made: at once when the line answered synchronously,
 * else a promise of it.
 */
export class FetchEntry {
  /** @internal The app's facade classes (the upgrade entry makes its facades with them too). */
  readonly classes: FetchClasses;

  constructor(
    Request: typeof AexRequest,
    Response: typeof AexResponse,
    private readonly enter: CheckedEntry,
  ) {
    this.classes = fetchClasses(Request, Response);
  }

  /**
   * Answers `request` from `ip` (or the address `peer` gives when something reads it).
   * `onStreaming` is the transport's hook for an answer that streams (Bun lifts its idle
   * timeout for it).
   *
   * This is the hot path -- change with care!
   */
  serve(
    request: Request,
    ip: string | undefined,
    onStreaming: OnStreaming | null,
    peer: PeerSource | null = null,
  ): Response | Promise<Response> {
    const req = new this.classes.Request(request, ip, peer);
    const res = new this.classes.Response(req);
    if (onStreaming !== null) res.onStreaming = onStreaming;
    this.enter(req as unknown as AexRequest, res as unknown as AexResponse, hasValidHost(req));
    const response = res.response;
    if (response !== null) return req.lingering === null ? response : req.lingering.then(() => response);
    const pending = new Promise<Response>(takeResolve);
    (res as FetchResponse)[RESOLVE] = pendingResolve;
    pendingResolve = null;
    return pending;
  }
}
