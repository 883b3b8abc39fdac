/**
 * Liveness and readiness endpoints for load balancers and orchestrators.
 *
 * @module @aex/core/health
 */
export { health, type HealthOptions, type HealthCheck } from "./ops/health";
