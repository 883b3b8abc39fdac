import { availableParallelism } from "node:os";
import { coreEntryOf, entryPath, importFile } from "../load-app";

/**
 * `aex start [entry] [--cluster [n]]`: imports the entry (which starts its server) with
 * `NODE_ENV=production`; with `--cluster`, through core's `runCluster` (crash-loop
 * protection, rolling restart on SIGHUP), n workers or one per core.
 */
export async function start(entry: string, cluster: string | true | undefined): Promise<number | undefined> {
  process.env.NODE_ENV = "production";
  const path = entryPath(entry);
  if (cluster === undefined) {
    await importFile(path);
    return undefined;
  }
  const workers = cluster === true ? availableParallelism() : Number(cluster);
  if (!Number.isInteger(workers) || workers < 1) throw new Error(`--cluster takes a number of workers, not ${cluster}`);
  const { runCluster } = coreEntryOf(entry, "@aex/core/cluster") as typeof import("@aex/core/cluster");
  runCluster(() => importFile(path), { workers });
  return undefined;
}
