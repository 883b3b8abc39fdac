// TC39 standard decorators hand each class a metadata object through `Symbol.metadata`.
// Node 20 and 22 lack the symbol, and without it TypeScript passes `context.metadata` as
// `undefined`. The registered symbol is the one Babel and esbuild fall back to, so classes
// compiled by any of them share the same key.
if (typeof (Symbol as { metadata?: symbol }).metadata !== "symbol") {
  Object.defineProperty(Symbol, "metadata", { value: Symbol.for("Symbol.metadata") });
}

/** `Symbol.metadata`, installed above where the runtime lacks it. */
export const METADATA: symbol = (Symbol as unknown as { metadata: symbol }).metadata;
