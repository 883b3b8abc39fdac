import { HttpError } from "../errors/http-error";
import type { AexRequest } from "../http/request";
import type { AexResponse } from "../http/response";
import type { Step } from "../pipeline/types";
import { pathOf } from "../router/path-of";
import { dependencyStates, type DependencyState } from "./dependencies";

/** A readiness check: resolves (or returns) when healthy, throws or rejects when not. */
export type HealthCheck = () => unknown;

/** Options of {@link health}. */
export interface HealthOptions {
  /** Path of the liveness endpoint (200 while the process serves). Default `/health/live`. */
  live?: string;
  /** Path of the readiness endpoint. Default `/health/ready`. */
  ready?: string;
  /** Readiness checks by name, run in parallel on each readiness request. */
  checks?: Record<string, HealthCheck>;
  /** Milliseconds each check may take before it counts as failed. Default 2 000. */
  timeout?: number;
  /**
   * Whether a dependency that is `down` (connected once, lost since) fails readiness. Default
   * `false`: Redis is shared by every instance, so failing on it would take them all out at
   * once; one still `connecting` always fails it.
   */
  strict?: boolean;
}

type CheckResult = "ok" | "failed" | "timeout";

function runCheck(check: HealthCheck, timeout: number): Promise<CheckResult> {
  return new Promise<CheckResult>((resolve) => {
    const timer = setTimeout(() => resolve("timeout"), timeout);
    Promise.resolve()
      .then(check)
      .then(
        () => resolve("ok"),
        () => resolve("failed"),
      )
      .finally(() => clearTimeout(timer));
  });
}

/**
 * Liveness and readiness endpoints, as a global middleware. Liveness answers 200
 * `{ "status": "ok" }` while the process serves. Readiness answers 200
 * `{ "status": "ready", "checks": { … }, "dependencies": { … } }` only while the app is
 * serving (not while it starts or closes), every check passed within `timeout`, and no
 * dependency is still `connecting` (nor, with `strict`, `down`); otherwise 503 problem
 * details with code `AEX_NOT_READY` and the same `checks` and `dependencies` in `details`.
 * Dependencies are the stores and adapters the app uses that told it so (Redis stores, the
 * WebSocket adapter, replay logs: see `addDependency` in `@aex/core/plugin`), each `up`,
 * `connecting` or `down`.
 *
 * @example
 * aex.use(health({ checks: { db: () => pool.query("SELECT 1") }, timeout: 1000 }));
 * // GET /health/live → 200; GET /health/ready → 200 or 503
 */
export function health(options: HealthOptions = {}): Step {
  const live = options.live ?? "/health/live";
  const ready = options.ready ?? "/health/ready";
  const checks = Object.entries(options.checks ?? {});
  const timeout = options.timeout ?? 2_000;
  const failing: ReadonlySet<DependencyState> = new Set(options.strict ? ["connecting", "down"] : ["connecting"]);

  const readiness = async (res: AexResponse): Promise<false> => {
    const state = res.app?.phase ?? "serving";
    const results: Record<string, CheckResult> = {};
    if (state === "serving") {
      const outcomes = await Promise.all(checks.map(([, check]) => runCheck(check, timeout)));
      checks.forEach(([name], i) => (results[name] = outcomes[i]));
    }
    const dependencies = res.app === undefined ? {} : dependencyStates(res.app);
    const ok =
      state === "serving" &&
      Object.values(results).every((r) => r === "ok") &&
      !Object.values(dependencies).some((d) => failing.has(d));
    res.setHeader("Cache-Control", "no-store");
    if (ok) res.json({ status: "ready", checks: results, dependencies });
    else {
      const details = { state, checks: results, dependencies };
      throw new HttpError(503, `Not ready (${state})`, { code: "AEX_NOT_READY", expose: true, details });
    }
    return false;
  };

  return (req: AexRequest, res: AexResponse) => {
    const method = req.method;
    if (method !== "GET" && method !== "HEAD") return undefined;
    const path = pathOf(req.url);
    if (path === live) {
      res.setHeader("Cache-Control", "no-store");
      res.json({ status: "ok" });
      return false;
    }
    if (path === ready) return readiness(res);
    return undefined;
  };
}
