import { writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { entryPath, loadApp } from "../load-app";

type OpenApi = typeof import("@aex/openapi");

/**
 * The `@aex/openapi` the app installed, resolved from the entry's folder like its `@aex/core`
 * (the one its `@returns` and `@summary` come from). It is the app's optional dependency,
 * not the CLI's: when it is missing, the error says what to install.
 */
function openapiOf(entry: string): OpenApi {
  try {
    return createRequire(entryPath(entry))("@aex/openapi") as OpenApi;
  } catch (error) {
    // Only @aex/openapi itself missing: a module it fails to load is its own error.
    if ((error as NodeJS.ErrnoException).code !== "MODULE_NOT_FOUND" || !String(error).includes("'@aex/openapi'")) {
      throw error;
    }
    throw new Error(
      `aex openapi needs @aex/openapi, which ${entry} cannot load: install it beside the app (npm install @aex/openapi)`,
      { cause: error },
    );
  }
}

/** `aex openapi [entry] [-o file] [--title t]`: the document on stdout, or written to a file. */
export async function openapi(entry: string, out: string | undefined, title: string | undefined): Promise<number> {
  const { buildOpenApi } = openapiOf(entry);
  const app = await loadApp(entry);
  const document = buildOpenApi(app.routes(), title === undefined ? {} : { info: { title } });
  const text = JSON.stringify(document, null, 2) + "\n";
  if (out === undefined) process.stdout.write(text);
  else {
    writeFileSync(out, text);
    console.error(`aex: wrote ${out}`);
  }
  return 0;
}
