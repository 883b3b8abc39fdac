/**
 * CSRF protection: the origin of unsafe requests checked, and a synchronizer token bound
 * to the session (or a signed double-submit cookie without one).
 *
 * @module @aex/core/csrf
 */
export { csrf, type CsrfOptions, type CsrfStore } from "./guards/csrf";
