import { writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { entryPath, loadApp } from "../load-app";

type AsyncApi = typeof import("@aex/asyncapi");

/**
 * The `@aex/asyncapi` the app installed, resolved from the entry's folder like its `@aex/core`
 * (the one its `@sends` and `@receives` come from). It is the app's optional dependency, not
 * the CLI's: when it is missing, the error says what to install.
 */
function asyncapiPackageOf(entry: string): AsyncApi {
  try {
    return createRequire(entryPath(entry))("@aex/asyncapi") as AsyncApi;
  } catch (error) {
    // Only @aex/asyncapi itself missing: a module it fails to load is its own error.
    if ((error as NodeJS.ErrnoException).code !== "MODULE_NOT_FOUND" || !String(error).includes("'@aex/asyncapi'")) {
      throw error;
    }
    throw new Error(
      `aex asyncapi needs @aex/asyncapi, which ${entry} cannot load: install it beside the app (npm install @aex/asyncapi @aex/openapi)`,
      { cause: error },
    );
  }
}

/**
 * `aex asyncapi [entry] [-o file] [--title t] [--server url]`: the app's AsyncAPI document (the
 * one its `asyncapi()` plugin serves, with the flags over its options) on stdout, or written
 * to a file.
 */
export async function asyncapi(
  entry: string,
  out: string | undefined,
  title: string | undefined,
  server: string | undefined,
): Promise<number> {
  const { asyncapiOf } = asyncapiPackageOf(entry);
  const app = await loadApp(entry);
  const document = asyncapiOf(app, {
    ...(title === undefined ? {} : { info: { title } }),
    ...(server === undefined ? {} : { servers: [{ url: server }] }),
  });
  const text = JSON.stringify(document, null, 2) + "\n";
  if (out === undefined) process.stdout.write(text);
  else {
    writeFileSync(out, text);
    console.error(`aex: wrote ${out}`);
  }
  return 0;
}
