/**
 * The flood guard: bans for clients that send too many requests, and a cap on connections
 * per address.
 *
 * @module @aex/core/flood-guard
 */
export { floodGuard, type FloodGuard, type FloodGuardOptions } from "./guards/flood-guard";
