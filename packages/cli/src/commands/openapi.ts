import { writeFileSync } from "node:fs";
import { loadApp } from "../load-app";
import { optionalPackage } from "../optional-package";

type OpenApi = typeof import("@aex/openapi");

/** `aex openapi [entry] [-o file] [--title t]`: the document on stdout, or written to a file. */
export async function openapi(entry: string, out: string | undefined, title: string | undefined): Promise<number> {
  const { buildOpenApi } = optionalPackage<OpenApi>(entry, {
    name: "@aex/openapi",
    appOnly: true,
    command: "aex openapi",
    install: "npm install @aex/openapi",
  });
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
