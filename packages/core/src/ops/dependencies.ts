import { defineSetupErrors } from "../errors/aex-error";
import type { AexApp } from "../registry/app-ref";

/** The setup errors of an app's dependencies (docs/errors.md lists them). */
export const DEPENDENCY_ERROR_CODES = {
  AEX_ERR_DEPENDENCY_UNAVAILABLE:
    "aex.start() did not listen: a store or adapter the app uses (Redis…) was not ready within its startTimeout",
} as const;

const dependencyError = defineSetupErrors(DEPENDENCY_ERROR_CODES);

/**
 * Where a dependency is: `connecting` until its first connection succeeded, then `up`, or
 * `down` while it is lost (an outage; it reconnects by itself).
 */
export type DependencyState = "connecting" | "up" | "down";

/**
 * A store or adapter an app talks to over the network (a Redis session store, a broadcast
 * adapter, a replay log). The app's `aex.start()` waits for each one's `ready()` before it
 * listens, and readiness (`health()`) reports each one's `connection`.
 *
 * @example
 * class MyStore implements Dependency {
 *   connection: DependencyState = "connecting";
 *   private readonly first = this.client.connect().then(() => void (this.connection = "up"));
 *   ready() { return this.first; }
 * }
 */
export interface Dependency {
  /** Where it is now. Read on every readiness request: keep it a field, not a round trip. */
  readonly connection: DependencyState;
  /** Resolves once it can serve for the first time (connected); rejects if it never can. */
  ready(): Promise<unknown>;
  /** Milliseconds `aex.start()` waits for `ready()`, unless `addDependency` says. Default 10 000. */
  readonly startTimeout?: number;
}

/** Options of {@link addDependency}. */
export interface DependencyOptions {
  /** Milliseconds `aex.start()` waits for `ready()`. Default: the dependency's own, else 10 000. */
  startTimeout?: number;
}

interface Tracked {
  readonly name: string;
  readonly dependency: Dependency;
  readonly startTimeout: number;
}

/** The `app.state` key of an app's dependencies. */
const DEPENDENCIES = Symbol("aex.dependencies");

function trackedOf(app: AexApp): Map<Dependency, Tracked> {
  return app.state(DEPENDENCIES, () => new Map<Dependency, Tracked>());
}

/** Whether `value` has what a {@link Dependency} has (a user's own store may). */
export function isDependency(value: unknown): value is Dependency {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as Dependency).ready === "function" &&
    typeof (value as Dependency).connection === "string"
  );
}

/**
 * Tells `app` it depends on `dependency`: `aex.start()` waits for its `ready()` (bounded by
 * `startTimeout`) before it listens, and `health()`'s readiness reports its connection
 * under `name` (a second dependency given the same name gets `name#2`). Adding the same
 * object again does nothing: a store used by many routes is one dependency.
 * Plugins and steps call it with the app they get at setup or `prepare()`.
 *
 * @example
 * decoratorStep("session", {
 *   build(app) {
 *     if (app !== undefined && isDependency(store)) addDependency(app, "session store", store);
 *     return (req, res, scope) => { … };
 *   },
 * });
 */
export function addDependency(
  app: AexApp,
  name: string,
  dependency: Dependency,
  options: DependencyOptions = {},
): void {
  const tracked = trackedOf(app);
  if (tracked.has(dependency)) return;
  const taken = new Set([...tracked.values()].map((t) => t.name));
  let unique = name;
  for (let n = 2; taken.has(unique); n++) unique = `${name}#${n}`;
  tracked.set(dependency, {
    name: unique,
    dependency,
    startTimeout: options.startTimeout ?? dependency.startTimeout ?? 10_000,
  });
}

/** Each dependency of `app` by name, with where it is now (what readiness reports). */
export function dependencyStates(app: AexApp): Record<string, DependencyState> {
  const states: Record<string, DependencyState> = {};
  for (const { name, dependency } of app.state<Map<Dependency, Tracked>>(DEPENDENCIES)?.values() ?? []) {
    states[name] = dependency.connection;
  }
  return states;
}

/**
 * Waits until every dependency of `app` is ready, each within its `startTimeout`; `aex.start()`
 * calls it before listening. Throws `AEX_ERR_DEPENDENCY_UNAVAILABLE` naming each one that
 * was not (and why), so a process that cannot reach Redis stops at start, where an
 * orchestrator sees it, instead of listening and failing its first requests.
 */
export async function awaitDependencies(app: AexApp): Promise<void> {
  const tracked = [...(app.state<Map<Dependency, Tracked>>(DEPENDENCIES)?.values() ?? [])];
  if (tracked.length === 0) return;
  const failures = await Promise.all(tracked.map(readyWithin));
  const failed = failures.filter((failure): failure is string => failure !== null);
  if (failed.length > 0) throw dependencyError("AEX_ERR_DEPENDENCY_UNAVAILABLE", failed.join("; "));
}

async function readyWithin({ name, dependency, startTimeout }: Tracked): Promise<string | null> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<string>((resolve) => {
    timer = setTimeout(resolve, startTimeout, `${name}: not ready within ${startTimeout} ms`);
  });
  try {
    return await Promise.race([
      Promise.resolve()
        .then(() => dependency.ready())
        .then(
          () => null,
          (error: unknown) => `${name}: ${(error as Error | undefined)?.message ?? String(error)}`,
        ),
      late,
    ]);
  } finally {
    clearTimeout(timer);
  }
}
