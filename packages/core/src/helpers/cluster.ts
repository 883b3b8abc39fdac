import cluster, { type Worker } from "node:cluster";
import { availableParallelism } from "node:os";
import debug from "debug";
import { AexError } from "../errors/aex-error";

const log = debug("aex:cluster");

/** Options of {@link runCluster}. */
export interface ClusterOptions {
  /** Number of workers. Default: one per core. */
  workers?: number;
  /** Longest wait before replacing a worker that keeps dying, in ms. Default 30 000. */
  maxRestartDelay?: number;
  /** A worker alive this long resets the restart delay, in ms. Default 10 000. */
  stableAfter?: number;
  /**
   * Workers in a row that may die before listening before the cluster gives up: the app
   * cannot boot (a missing secret, a port in use), and forking again will not fix it.
   * Default 5.
   */
  maxBootFailures?: number;
  /**
   * Called when the cluster gives up; default: print the error and exit with code 1.
   */
  onCrashLoop?: (error: AexError) => void;
}

/**
 * Runs `start` in a worker per core and keeps them running: a worker that dies is
 * replaced, after a delay that doubles while workers keep dying young. When every new
 * worker dies before it listens (`maxBootFailures` in a row), the cluster stops with
 * `AEX_ERR_CLUSTER_CRASH_LOOP` instead of forking forever. `SIGHUP` replaces the workers
 * one by one (each new one listens before an old one stops): a rolling restart.
 * `SIGTERM`/`SIGINT` stop every worker (each should close its app on `SIGTERM`).
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
        // Said out loud: a worker that cannot boot is the first thing to read in a crash loop.
        console.error(`aex worker ${process.pid} failed to start:`, error);
        process.exit(1);
      });
    return;
  }
  const count = options.workers ?? availableParallelism();
  const maxDelay = options.maxRestartDelay ?? 30_000;
  const stableAfter = options.stableAfter ?? 10_000;
  const maxBootFailures = options.maxBootFailures ?? 5;
  const onCrashLoop = options.onCrashLoop ?? exitOnCrashLoop;
  if (!Number.isInteger(count) || count < 1) throw new AexError("AEX_ERR_CLUSTER_OPTIONS", `workers: ${count}`);
  const bornAt = new Map<Worker, number>();
  const listening = new Set<Worker>();
  /** Workers a rolling restart stops on purpose: not replaced. */
  const retiring = new Set<Worker>();
  let delay = 100;
  let bootFailures = 0;
  let stopping = false;
  let rolling = false;

  const fork = (): Worker => {
    const worker = cluster.fork();
    bornAt.set(worker, Date.now());
    worker.once("listening", () => {
      listening.add(worker);
      bootFailures = 0;
    });
    return worker;
  };
  for (let i = 0; i < count; i++) fork();

  const stopAll = (signal: NodeJS.Signals) => {
    for (const worker of bornAt.keys()) worker.process.kill(signal);
  };

  cluster.on("exit", (worker, code, signal) => {
    const lived = Date.now() - (bornAt.get(worker) ?? Date.now());
    const booted = listening.delete(worker);
    bornAt.delete(worker);
    if (stopping || retiring.delete(worker)) return;
    if (!booted && ++bootFailures >= maxBootFailures) {
      stopping = true;
      stopAll("SIGTERM");
      onCrashLoop(
        new AexError(
          "AEX_ERR_CLUSTER_CRASH_LOOP",
          `${bootFailures} workers in a row died before listening (last: ${signal ?? `exit code ${code}`}); see the workers' errors above`,
        ),
      );
      return;
    }
    delay = lived >= stableAfter ? 100 : Math.min(delay * 2, maxDelay);
    log("worker %d died (%s) after %d ms; a new one in %d ms", worker.process.pid, signal ?? code, lived, delay);
    // Not unref'd: when the last worker died, this timer is all that keeps the primary up
    // (an unref'd one let a one-worker cluster exit instead of respawning).
    setTimeout(() => stopping || fork(), delay);
  });

  // A rolling restart: one new worker listening before each old one stops, so the port
  // always has workers (new code after a deploy, without a dropped connection).
  process.on("SIGHUP", () => {
    if (rolling || stopping) return;
    rolling = true;
    const old = [...bornAt.keys()];
    log("SIGHUP: replacing %d workers one by one", old.length);
    void (async () => {
      for (const worker of old) {
        if (stopping) break;
        const replacement = fork();
        const ok = await new Promise<boolean>((resolve) => {
          replacement.once("listening", () => resolve(true));
          replacement.once("exit", () => resolve(false));
        });
        if (!ok) break; // the new code does not boot: keep the old workers serving
        if (!bornAt.has(worker)) continue;
        retiring.add(worker);
        const gone = new Promise((resolve) => worker.once("exit", resolve));
        worker.process.kill("SIGTERM");
        await gone;
      }
      rolling = false;
    })();
  });

  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    process.once(signal, () => {
      stopping = true;
      log("%s: stopping %d workers", signal, bornAt.size);
      if (bornAt.size === 0) process.exit(0);
      stopAll("SIGTERM");
      cluster.once("exit", function waitAll() {
        if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
        else cluster.once("exit", waitAll);
      });
    });
  }
}

function exitOnCrashLoop(error: AexError): void {
  console.error(`${error.code}: ${error.message}`);
  process.exitCode = 1;
  // Let the workers stopped above exit first; then nothing is left to keep the primary alive.
  cluster.once("exit", function waitAll() {
    if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(1);
    else cluster.once("exit", waitAll);
  });
  if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(1);
}

/**
 * `aex.start(port, { cluster })` in the primary: forks `workers` with {@link runCluster}'s
 * rules and resolves, with their port, once each of the first workers listens (a crash
 * loop ends the process as `runCluster` does).
 */
export function startWorkers(workers: number): Promise<number> {
  return new Promise((resolve) => {
    let listening = 0;
    const onListening = (_worker: Worker, address: { port: number }) => {
      if (++listening < workers) return;
      cluster.off("listening", onListening);
      resolve(address.port);
    };
    cluster.on("listening", onListening);
    runCluster(() => undefined, { workers });
  });
}
