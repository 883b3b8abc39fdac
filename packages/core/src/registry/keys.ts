/**
 * The keys of Aex's registry, one per kind of record. Registered symbols, so an ESM and a
 * CJS copy of `@aex/core` in one process read and write the same records.
 */
export const ROUTES_KEY = Symbol.for("aex:routes");
export const STEPS_KEY = Symbol.for("aex:steps");
export const LISTENERS_KEY = Symbol.for("aex:listeners");
export const PREFIX_KEY = Symbol.for("aex:prefix");
