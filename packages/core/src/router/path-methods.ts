/**
 * Something that knows which methods have a route for a path: a route table, a router.
 * It pushes each method other than `missed` onto `found` (made on the first one) and
 * returns it.
 */
export type MethodsAt = (path: string, missed: string, found: string[] | null) => string[] | null;

/** Something that knows whether an upgrade (WebSocket) route serves a path. */
export type UpgradesAt = (path: string) => boolean;

/** What a path has routes for, when the request's method has none. */
export interface KnownPath {
  /**
   * The `Allow` header: the methods of the path's HTTP routes (HEAD beside GET), GET for
   * an upgrade route, and OPTIONS, which the app answers itself.
   */
  readonly allow: string;
  /** Whether an upgrade (WebSocket) route serves the path. */
  readonly upgrade: boolean;
}

/** The order of `Allow`: RFC 9110's methods in its order, others after them by name. */
const ORDER = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];

function rank(method: string): number {
  const index = ORDER.indexOf(method);
  return index === -1 ? ORDER.length : index;
}

/**
 * Which methods a path has routes for, so a request no route answered gets a 405 with
 * `Allow` (or a 426 for a WebSocket path) instead of a 404. The sources (the app's route
 * tables, its routers', its attached upgrade servers) are gathered once at `prepare()`;
 * a lookup walks the path once per other method those tables hold, and only requests
 * that missed every route pay for it.
 */
export class PathMethods {
  constructor(
    private readonly http: readonly MethodsAt[],
    private readonly upgrades: readonly UpgradesAt[],
  ) {}

  /**
   * What `path` has routes for besides `missed` (the request's method), or `null` when
   * nothing (a 404). Upgrade routes count only when `withUpgrades` (HTTP/1 requests).
   */
  at(path: string, missed: string, withUpgrades: boolean): KnownPath | null {
    let found: string[] | null = null;
    for (const methodsAt of this.http) found = methodsAt(path, missed, found);
    let upgrade = false;
    if (withUpgrades) for (let i = 0; i < this.upgrades.length && !upgrade; i++) upgrade = this.upgrades[i](path);
    if (found === null && !upgrade) return null;
    // GET routes answer HEAD; an upgrade is a GET; the app answers OPTIONS.
    const allow = new Set(found);
    if (allow.has("GET")) allow.add("HEAD");
    if (upgrade) allow.add("GET");
    allow.add("OPTIONS");
    const sorted = [...allow].sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
    return { allow: sorted.join(", "), upgrade };
  }
}
