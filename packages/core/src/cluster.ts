/**
 * Cluster mode: a worker per core, replaced when it dies, restarted one by one on SIGHUP.
 *
 * @module @aex/core/cluster
 */
export { runCluster, type ClusterOptions } from "./helpers/cluster";
