import { writeFileSync } from "node:fs";
import { clientSource } from "../client/client-source";
import { withProblemResponses, type OpenApiObject } from "../client/problem-responses";
import { loadApp } from "../load-app";
import { optionalPackage } from "../optional-package";

type OpenApi = typeof import("@aex/openapi");

/** The two functions of openapi-typescript's programmatic API the command uses. */
interface OpenApiTypeScript {
  /** The document's types, as TypeScript nodes. */
  default(document: OpenApiObject, options: { silent: boolean }): Promise<unknown[]>;
  /** Those nodes printed. */
  astToString(nodes: unknown[]): string;
}

/**
 * `aex client [entry] [-o file] [--title t]`: a typed client of the app's routes, as one
 * TypeScript module, on stdout or written to a file. The app's OpenAPI document (its
 * `@aex/openapi`) gives the paths, parameters, bodies and answers; openapi-typescript (the
 * app's dev dependency) writes their types; the module's `createClient` runs on openapi-fetch.
 */
export async function client(entry: string, out: string | undefined, title: string | undefined): Promise<number> {
  const { buildOpenApi, PROBLEM_SCHEMAS } = optionalPackage<OpenApi>(entry, {
    name: "@aex/openapi",
    appOnly: true,
    command: "aex client",
    install: "npm install @aex/openapi",
  });
  const generator = optionalPackage<OpenApiTypeScript>(entry, {
    name: "openapi-typescript",
    command: "aex client",
    install: "npm install -D openapi-typescript typescript",
    peers: ["typescript"],
  });
  const app = await loadApp(entry);
  const document = withProblemResponses(
    buildOpenApi(app.routes(), title === undefined ? {} : { info: { title } }),
    PROBLEM_SCHEMAS.Problem as OpenApiObject,
  );
  const types = generator.astToString(await generator.default(document, { silent: true }));
  const info = document.info as { title: string; version: string };
  const text = clientSource(types, info);
  if (out === undefined) process.stdout.write(text);
  else {
    writeFileSync(out, text);
    console.error(`aex: wrote ${out}`);
  }
  return 0;
}
