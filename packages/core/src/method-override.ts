/**
 * Method override for HTML forms: `_method` (or a header) turns a POST into PUT, PATCH or DELETE.
 *
 * @module @aex/core/method-override
 */
export { methodOverride, type MethodOverrideOptions } from "./helpers/method-override";
