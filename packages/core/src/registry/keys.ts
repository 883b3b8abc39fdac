/** The reflect-metadata keys of Aex's registry, one per kind of record. */
export const ROUTES_KEY = Symbol.for("aex:routes");
export const STEPS_KEY = Symbol.for("aex:steps");
export const LISTENERS_KEY = Symbol.for("aex:listeners");
