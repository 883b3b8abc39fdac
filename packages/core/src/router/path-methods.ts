/** Something that knows which methods have a route for a path: a route table, a router. */
export type MethodsAt = (path: string, into: Set<string>) => void;

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
  /** Whether one of the path's HTTP routes (or OPTIONS) answers `method`. */
  readonly allows: (method: string) => boolean;
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
 * a lookup walks the path once per method those tables hold, and only requests that
 * missed every route pay for it.
 */
export class PathMethods {
  constructor(
    private readonly http: readonly MethodsAt[],
    private readonly upgrades: readonly UpgradesAt[],
  ) {}

  /** What `path` has routes for, or `null` when it has none (a 404). */
  at(path: string, withUpgrades: boolean): KnownPath | null {
    const methods = new Set<string>();
    for (const methodsAt of this.http) methodsAt(path, methods);
    const upgrade = withUpgrades && this.upgrades.some((upgradesAt) => upgradesAt(path));
    if (methods.size === 0 && !upgrade) return null;
    // GET routes answer HEAD; an upgrade is a GET; the app answers OPTIONS.
    const httpMethods = new Set(methods);
    if (methods.has("GET")) httpMethods.add("HEAD");
    httpMethods.add("OPTIONS");
    const allow = new Set(httpMethods);
    if (upgrade) allow.add("GET");
    const sorted = [...allow].sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
    return { allow: sorted.join(", "), upgrade, allows: (method) => httpMethods.has(method) };
  }
}
