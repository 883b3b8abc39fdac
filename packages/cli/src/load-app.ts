import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { Aex } from "@aex/core";

/**
 * `import()` kept as is: tsc compiles this package to CommonJS and would turn a plain
 * `import()` into `require()`, which cannot load an ESM app on Node 20.
 */
const importModule = new Function("specifier", "return import(specifier)") as (specifier: string) => Promise<unknown>;

/** The absolute path of an entry given on the command line, checked to exist. */
export function entryPath(entry: string): string {
  const path = resolve(entry);
  if (!existsSync(path)) throw new Error(`no such entry: ${entry} (build the project first?)`);
  return path;
}

/** Imports a module by path (ESM or CommonJS). */
export function importFile(path: string): Promise<unknown> {
  return importModule(pathToFileURL(path).href);
}

const isAex = (value: unknown): value is Aex =>
  typeof value === "object" && value !== null && typeof (value as { routes?: unknown }).routes === "function";

/**
 * The app of a module: its `aex` export, its default export (also CommonJS's
 * `module.exports` seen through `import()`), or what either returns when it is a function.
 */
export async function loadApp(entry: string): Promise<Aex> {
  const mod = (await importFile(entryPath(entry))) as Record<string, unknown>;
  const defaults = mod.default as Record<string, unknown> | undefined;
  const candidates = [mod.aex, mod.default, defaults?.aex, defaults?.default];
  for (const candidate of candidates) {
    const value =
      typeof candidate === "function" && !isAex(candidate) ? await (candidate as () => unknown)() : candidate;
    if (isAex(value)) return value;
  }
  throw new Error(`${entry} exports no Aex app: export it as \`aex\` or default, or a function returning one`);
}

/** `specifier` (`@aex/core` or one of its entries), as the app resolves it, else as the CLI does. */
export function coreEntryOf(entry: string, specifier: string): unknown {
  try {
    return createRequire(entryPath(entry))(specifier);
  } catch {
    return createRequire(__filename)(specifier);
  }
}
