import { createRequire } from "node:module";
import { entryPath } from "./load-app";

/** What a command needs that the CLI does not depend on (an optional peer). */
export interface OptionalPackage {
  /** The package, e.g. `openapi-typescript`. */
  name: string;
  /** The command that needs it, for the message: `aex client`. */
  command: string;
  /** How to install it (and its own peers): `npm install -D openapi-typescript typescript`. */
  install: string;
  /** Its peers: their absence is reported the same way. */
  peers?: readonly string[];
  /**
   * Only the app's own copy: a package the app's classes were decorated with (`@aex/openapi`,
   * `@aex/asyncapi`) keeps what they recorded, and a copy beside the CLI would see none of it.
   */
  appOnly?: boolean;
}

/** The missing package `error` names, when it is `names`' one (not a module that failed to load). */
function missingName(error: unknown, names: readonly string[]): string | undefined {
  if ((error as NodeJS.ErrnoException).code !== "MODULE_NOT_FOUND") return undefined;
  const text = String(error);
  return names.find((name) => text.includes(`'${name}'`));
}

/**
 * Loads a package a command needs and the CLI does not depend on: the one the app installed,
 * resolved from the entry's folder, else (unless `appOnly`) one installed beside the CLI. When neither loads,
 * the error names the command, the missing package and how to install it.
 *
 * @example
 * const typescriptTypes = optionalPackage<typeof import("openapi-typescript")>("dist/app.js", {
 *   name: "openapi-typescript",
 *   command: "aex client",
 *   install: "npm install -D openapi-typescript",
 * });
 */
export function optionalPackage<T>(entry: string, wanted: OptionalPackage): T {
  const names = [wanted.name, ...(wanted.peers ?? [])];
  let missing: { error: unknown; name: string } | undefined;
  const fromApp = createRequire(entryPath(entry));
  for (const load of wanted.appOnly === true ? [fromApp] : [fromApp, createRequire(__filename)]) {
    try {
      return load(wanted.name) as T;
    } catch (error) {
      const name = missingName(error, names);
      if (name === undefined) throw error;
      missing ??= { error, name };
    }
  }
  const { error, name } = missing!;
  throw new Error(
    `${wanted.command} needs ${name}, which ${entry} cannot load: install it beside the app (${wanted.install})`,
    { cause: error },
  );
}
