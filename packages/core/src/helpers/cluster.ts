import cluster, { type Worker } from "node:cluster";
import { availableParallelism } from "node:os";
import debug from "debug";

const log = debug("aex:cluster");

/** Options of {@link runCluster}. */
export interface ClusterOptions {
  /** Number of workers. Default: one per core. */
  workers?: number;
  /** Longest wait before replacing a worker that keeps dying, in ms. Default 30 000. */
  maxRestartDelay?: number;
  /** A worker alive this long resets the restart delay, in ms. Default 10 000. */
  stableAfter?: number;
}

/**
 * Runs `start` in a worker per core and keeps them running: a worker that dies is
 * replaced, after a delay that doubles while workers keep dying young (so a crash at boot
 * is not a fork loop). Workers share the port they listen on. `SIGTERM`/`SIGINT` on the
 * primary stops every worker (each should close its app on `SIGTERM`).
 *
 * @example
 * runCluster(async () => {
 *   const aex = new Aex().push(Home);
 *   await aex.start(3000, "0.0.0.0");
 *   process.once("SIGTERM", () => void aex.close().then(() => process.exit(0)));
 * });
 */
export function runCluster(start: () => unknown, options: ClusterOptions = {}): void {
  if (!cluster.isPrimary) {
    Promise.resolve()
      .then(start)
      .catch((error: unknown) => {
        log("worker %d failed to start: %O", process.pid, error);
        process.exit(1);
      });
    return;
  }
  const count = options.workers ?? availableParallelism();
  const maxDelay = options.maxRestartDelay ?? 30_000;
  const stableAfter = options.stableAfter ?? 10_000;
  const bornAt = new Map<Worker, number>();
  let delay = 100;
  let stopping = false;

  const fork = () => {
    const worker = cluster.fork();
    bornAt.set(worker, Date.now());
  };
  for (let i = 0; i < count; i++) fork();

  cluster.on("exit", (worker, code, signal) => {
    const lived = Date.now() - (bornAt.get(worker) ?? Date.now());
    bornAt.delete(worker);
    if (stopping) return;
    delay = lived >= stableAfter ? 100 : Math.min(delay * 2, maxDelay);
    log("worker %d died (%s) after %d ms; a new one in %d ms", worker.process.pid, signal ?? code, lived, delay);
    setTimeout(() => stopping || fork(), delay).unref();
  });

  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    process.once(signal, () => {
      stopping = true;
      log("%s: stopping %d workers", signal, bornAt.size);
      for (const worker of bornAt.keys()) worker.process.kill("SIGTERM");
      cluster.once("exit", function waitAll() {
        if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
        else cluster.once("exit", waitAll);
      });
    });
  }
}
