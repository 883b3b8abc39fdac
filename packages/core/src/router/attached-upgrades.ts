import type { Step } from "../pipeline/types";
import { pathOf } from "./path-of";
import { routeParams } from "./route-params";
import { matchesEveryPath } from "./route-path";
import { RouteTable } from "./route-table";

interface Target {
  readonly paths: RouteTable<Step>;
  /** Whether the handler serves every path (`*`). */
  readonly everyPath: boolean;
}

/**
 * Upgrade handlers attached to a running app by path (a `WebSocketServer` made after
 * `aex.start()`): the last step of the app's upgrade line, after its `@ws` routes. Params
 * are decoded with the app's limits, like every route's.
 */
export class AttachedUpgrades {
  private readonly targets: Target[] = [];

  constructor(private readonly maxParamLength: number) {}

  get size(): number {
    return this.targets.length;
  }

  /** Serves upgrades to `path` with `step`; returns the function that detaches it. */
  attach(path: string, step: Step): () => void {
    const paths = new RouteTable<Step>();
    paths.add("GET", path, step);
    const target: Target = { paths, everyPath: matchesEveryPath(path) };
    this.targets.push(target);
    return () => {
      const index = this.targets.indexOf(target);
      if (index !== -1) this.targets.splice(index, 1);
    };
  }

  /**
   * Whether an attached handler serves `path` by name (a plain GET to it needs an
   * upgrade). A handler of every path (a `WebSocketServer` without `path`) names none,
   * so unknown paths keep their 404.
   */
  has(path: string): boolean {
    const values: string[] = [];
    return this.targets.some(({ paths, everyPath }) => !everyPath && paths.find("GET", path, values) !== null);
  }

  /** The step that routes an upgrade to the first attached handler whose path matches. */
  readonly step: Step = (req, res, scope) => {
    const values: string[] = [];
    for (const { paths } of this.targets) {
      const entry = paths.find("GET", pathOf(req.url), values);
      if (entry === null) continue;
      if (entry.paramNames.length > 0) {
        const params = routeParams(entry, values, this.maxParamLength);
        req.params = params;
        scope.provide("params", params);
      }
      req.routed = true;
      return entry.value(req, res, scope);
    }
    return undefined;
  };
}
