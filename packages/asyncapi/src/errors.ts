import { defineSetupErrors } from "@aex/core/plugin";

/** The setup errors of @aex/asyncapi, with the reason a user reads (docs/errors.md lists them). */
export const ASYNCAPI_ERROR_CODES = {
  AEX_ERR_ASYNCAPI_OPTIONS: "asyncapi() or buildAsyncApi() was given an option it cannot use (a path, a server URL)",
  AEX_ERR_ASYNCAPI_MESSAGE:
    "@sends/@receives on a method that is no @ws or @sse route, @receives on an @sse route, or one event declared twice",
} as const;

/** Makes one of {@link ASYNCAPI_ERROR_CODES}'s errors. */
export const asyncapiSetupError = defineSetupErrors(ASYNCAPI_ERROR_CODES);
