import type { AexRequest } from "../http/request";
import type { AexResponse } from "../http/response";
import { upgradeAnswered } from "../http/upgrade-answered";
import type { CheckedEntry } from "./fetch-entry";
import { hasValidHost } from "./fetch-host";
import type { FetchClasses } from "./fetch-classes";
import type { FetchRequest } from "./fetch-request";
import type { PeerSource } from "./fetch-socket";
import { RESOLVE, type FetchResponse, type OnStreaming } from "./fetch-response";
import { NATIVE_UPGRADE, type NativeUpgrade } from "./native-websocket";

/** The part of Bun's server an upgrade uses: the peer's address, and the upgrade itself. */
export interface UpgradingServer extends PeerSource {
  upgrade(request: Request, options: { data: unknown; headers: [string, string][] }): boolean;
}

/** What a fetch handler answers an upgrade with: a refusal, or nothing once Bun upgraded it. */
export type UpgradeAnswer = Response | undefined;

/** Marks a facade answered by the upgrade: nothing is left to send, and a 101 went out (its hooks and log see it). */
function upgraded(res: FetchResponse): void {
  res.headersSent = true;
  res.writableEnded = true;
  res.writableFinished = true;
  upgradeAnswered(res as unknown as AexResponse);
}

/**
 * Serves upgrade requests (`Upgrade: websocket`) on Bun.serve: each walks the app's upgrade
 * line, as node's `upgrade` event does (same request id, Host check, middlewares, route
 * steps, 404/405, refusal while closing), on the app's request and response facades. A step
 * that refuses answers its status as a `Response`; the route's last step upgrades through
 * {@link nativeUpgrade} (`server.upgrade`), and the fetch handler answers nothing, as Bun
 * asks of an upgraded request.
 */
export class FetchUpgradeEntry {
  constructor(
    /** The app's facade classes, those of its fetch entry. */
    private readonly classes: FetchClasses,
    private readonly enter: CheckedEntry,
  ) {}

  serve(request: Request, server: UpgradingServer, onStreaming: OnStreaming): UpgradeAnswer | Promise<UpgradeAnswer> {
    const classes = this.classes;
    // Asked now: once upgraded, Bun no longer tells a request's peer, and the connection's
    // `handler.req.ip` is read for its whole life.
    const req = new classes.Request(request, server.requestIP(request)?.address, server);
    const res = new classes.Response(req);
    res.onStreaming = onStreaming;
    let done = false;
    let answered: ((answer: UpgradeAnswer) => void) | null = null;
    const upgrade: NativeUpgrade = (events, headers) => {
      if (done) return false;
      // Made now, as the peer is: the connection reads them for its life, past the upgrade.
      void req.headers;
      if (!server.upgrade(request, { data: events, headers })) return false;
      done = true;
      upgraded(res);
      answered?.(undefined);
      return true;
    };
    Object.defineProperty(res, NATIVE_UPGRADE, { value: upgrade });
    // The accepting step may wait (a session, a database); it is not the handler timeout's.
    (res as unknown as AexResponse).keepOpen = true;
    res.shouldKeepAlive = false;
    this.enter(req as unknown as AexRequest, res as unknown as AexResponse, hasValidHost(req));
    if (done) return undefined;
    const response = res.response;
    if (response !== null) return settled(req, response);
    return new Promise<UpgradeAnswer>((resolve) => {
      answered = resolve;
      (res as FetchResponse)[RESOLVE] = resolve;
    });
  }
}

function settled(req: FetchRequest, response: Response): Response | Promise<Response> {
  return req.lingering === null ? response : req.lingering.then(() => response);
}
