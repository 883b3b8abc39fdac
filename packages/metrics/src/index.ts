/**
 * Metrics for Aex apps: Prometheus metrics with prom-client, and a live telemetry page,
 * each a plugin (`aex.register(metrics())`, `aex.register(telemetry())`).
 *
 * @module @aex/metrics
 */
export { metrics, UNMATCHED_ROUTE, type MetricsOptions, type MetricsPlugin, type WebSocketMetrics } from "./metrics";
export { telemetry, type TelemetryOptions, type TelemetryPlugin, type TelemetrySnapshot } from "./telemetry";
export { METRICS_ERROR_CODES } from "./errors";
