import { defineSetupErrors } from "@aex/core/plugin";

/** The setup errors of @aex/metrics, with the reason a user reads (docs/errors.md lists them). */
export const METRICS_ERROR_CODES = {
  AEX_ERR_METRICS_OPTIONS: "metrics() was given an option it cannot use",
  AEX_ERR_TELEMETRY_OPTIONS: "telemetry() was given an option it cannot use",
} as const;

/** Makes one of {@link METRICS_ERROR_CODES}'s errors. */
export const metricsSetupError = defineSetupErrors(METRICS_ERROR_CODES);
