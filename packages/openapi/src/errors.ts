import { defineSetupErrors } from "@aex/core/plugin";

/** The setup errors of @aex/openapi, with the reason a user reads (docs/errors.md lists them). */
export const OPENAPI_ERROR_CODES = {
  AEX_ERR_OPENAPI_OPTIONS: "openapi() was given an option it cannot use, or its reference page's package is missing",
  AEX_ERR_OPENAPI_OPERATION_ID: "two routes were given the same @operationId",
} as const;

/**
 * The HTTP error codes @aex/openapi answers with, each with its status and meaning
 * (docs/errors.md lists them).
 */
export const OPENAPI_HTTP_ERROR_CODES = {
  AEX_RESPONSE_INVALID:
    "500: outside production, a res.json/res.ok body does not match the route's @returns schema for its status (or, anywhere, fast-json-stringify cannot write it by that schema)",
} as const;

/** Makes one of {@link OPENAPI_ERROR_CODES}'s errors. */
export const openapiSetupError = defineSetupErrors(OPENAPI_ERROR_CODES);
