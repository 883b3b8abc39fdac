import { defineSetupErrors } from "@aex/core/plugin";

/** The setup errors of @aex/session, with the reason a user reads (docs/errors.md lists them). */
export const SESSION_ERROR_CODES = {
  AEX_ERR_SESSION_SECRET_MISSING:
    "in production (NODE_ENV=production) sessions need a secret: set AEX_SESSION_SECRET or the secret option",
} as const;

/** Makes one of {@link SESSION_ERROR_CODES}'s errors. */
export const sessionSetupError = defineSetupErrors(SESSION_ERROR_CODES);
