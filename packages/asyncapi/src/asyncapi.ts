import type { Aex, AexPlugin } from "@aex/core";
import { decoratorStep } from "@aex/core/plugin";
import { documentStep, type JsonSchema } from "@aex/openapi";
import { buildAsyncApi, checkMessages, type AsyncApiOptions } from "./build-document";
import { asyncapiSetupError } from "./errors";
import { checkServers } from "./servers";

/** Options of {@link asyncapi}: the document's, plus where it is served. */
export interface ServeAsyncApiOptions extends AsyncApiOptions {
  /** Path of the JSON document; default `/asyncapi.json`. */
  jsonPath?: string;
  /** Path of the YAML document; default `/asyncapi.yaml`. */
  yamlPath?: string;
}

/** The `app.state` key of the options of the app's `asyncapi()` plugin. */
const SERVED = Symbol("aex.asyncapi.options");

function checkPath(name: string, path: string): string {
  if (typeof path !== "string" || !path.startsWith("/") || path.endsWith("/")) {
    throw asyncapiSetupError(
      "AEX_ERR_ASYNCAPI_OPTIONS",
      `${name} must start with "/" and not end with one: ${String(path)}`,
    );
  }
  return path;
}

/**
 * A plugin that serves the app's AsyncAPI 3.0 document (its `@ws` and `@sse` routes) at
 * `/asyncapi.json` and `/asyncapi.yaml` (GET and HEAD). It joins the app's line where it is
 * registered (a guard given to `aex.use` before it runs first). The document is built once,
 * from `aex.routes()`, on its first request; every other request passes through. Options
 * are checked here, at the call, and the routes' `@sends`/`@receives` at `aex.prepare()`.
 *
 * @example
 * const aex = new Aex().push(Chat);
 * aex.register(asyncapi({ info: { title: "Chat", version: "1.0.0" }, servers: [{ url: "https://chat.example.com" }] }));
 */
export function asyncapi(options: ServeAsyncApiOptions = {}): AexPlugin {
  const jsonPath = checkPath("jsonPath", options.jsonPath ?? "/asyncapi.json");
  const yamlPath = checkPath("yamlPath", options.yamlPath ?? "/asyncapi.yaml");
  checkServers(options.servers);
  return {
    name: "asyncapi",
    setup(app) {
      app.state(SERVED, () => options);
      // Built at prepare(): a misplaced @sends is a setup error there, not a 500 later.
      app.use(
        decoratorStep("asyncapi", {
          build: () => {
            checkMessages(app.routes());
            return documentStep(jsonPath, yamlPath, () => buildAsyncApi(app.routes(), options));
          },
        }),
      );
    },
  };
}

/**
 * The app's AsyncAPI document: built with the options of the `asyncapi()` plugin it
 * registered (what it serves), `options` over them (`info` field by field, the others
 * whole); with `options` alone when it registered none. `aex asyncapi` writes it.
 *
 * @example
 * const document = asyncapiOf(aex, { servers: [{ url: "https://chat.example.com" }] });
 */
export function asyncapiOf(app: Aex, options: AsyncApiOptions = {}): JsonSchema {
  const served = app.state<AsyncApiOptions>(SERVED) ?? {};
  return buildAsyncApi(app.routes(), {
    ...served,
    ...options,
    ...(served.info !== undefined || options.info !== undefined ? { info: { ...served.info, ...options.info } } : {}),
  });
}
