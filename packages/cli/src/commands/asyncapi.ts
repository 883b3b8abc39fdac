import { writeFileSync } from "node:fs";
import { loadApp } from "../load-app";
import { optionalPackage } from "../optional-package";

type AsyncApi = typeof import("@aex/asyncapi");

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
  const { asyncapiOf } = optionalPackage<AsyncApi>(entry, {
    name: "@aex/asyncapi",
    appOnly: true,
    command: "aex asyncapi",
    install: "npm install @aex/asyncapi @aex/openapi",
  });
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
