import type { AexPlugin, AexRequest, AexResponse } from "@aex/core";
import { decoratorStep } from "@aex/core/plugin";
import { buildOpenApi, documentOperationIds, type OpenApiOptions } from "./build-document";
import { openapiSetupError } from "./errors";
import {
  isReferenceAsset,
  readReferenceAsset,
  referencePage,
  swaggerUiFolder,
  type ReferenceAsset,
  type ReferenceAssetName,
} from "./reference-page";
import { documentStep } from "./document-step";

/** Options of {@link openapi}: the document's, plus where it is served. */
export interface ServeOpenApiOptions extends OpenApiOptions {
  /** Path of the JSON document; default `/openapi.json`. */
  jsonPath?: string;
  /** Path of the YAML document; default `/openapi.yaml`. */
  yamlPath?: string;
  /**
   * Also serve an API reference page (Swagger UI, from the `swagger-ui-dist` package,
   * installed beside `@aex/openapi`; no CDN) at `referencePath`. Default false.
   */
  reference?: boolean;
  /** Path of the reference page; its files are served under `<referencePath>/`. Default `/reference`. */
  referencePath?: string;
}

function checkPath(name: string, path: string): string {
  if (typeof path !== "string" || !path.startsWith("/") || path.endsWith("/")) {
    throw openapiSetupError(
      "AEX_ERR_OPENAPI_OPTIONS",
      `${name} must start with "/" and not end with one: ${String(path)}`,
    );
  }
  return path;
}

/**
 * The step answering the reference page and its two files. The page is the same for every
 * request but its nonce, so it is built once in two halves.
 */
function referenceStep(
  options: ServeOpenApiOptions,
  jsonPath: string,
): (path: string, req: AexRequest, res: AexResponse) => boolean {
  const pagePath = checkPath("referencePath", options.referencePath ?? "/reference");
  const { folder, version } = swaggerUiFolder(); // at setup: a missing package is a startup error
  const title = `${options.info?.title ?? "Aex app"} · API reference`;
  const { head, tail } = referencePage(title, pagePath, jsonPath);
  const assets = new Map<ReferenceAssetName, ReferenceAsset>();
  const prefix = `${pagePath}/`;
  return (path, req, res) => {
    if (path === pagePath) {
      // Read before the head goes out: reading it adds the nonce to this response's CSP.
      const nonce = res.nonce;
      const html = `${head}${nonce}${tail}`;
      res.writeHead(200, {
        "content-type": "text/html; charset=utf-8",
        "content-length": Buffer.byteLength(html),
        "cache-control": "no-store",
      });
      res.end(req.method === "HEAD" ? undefined : html);
      return true;
    }
    if (!path.startsWith(prefix)) return false;
    const name = path.slice(prefix.length);
    if (!isReferenceAsset(name)) return false;
    let asset = assets.get(name);
    if (asset === undefined) assets.set(name, (asset = readReferenceAsset(folder, version, name)));
    // The file changes only with the package: the browser revalidates and gets a 304.
    if (req.headers["if-none-match"] === asset.etag) {
      res.writeHead(304, { etag: asset.etag, "cache-control": "no-cache" });
      res.end();
      return true;
    }
    res.writeHead(200, {
      "content-type": asset.type,
      "content-length": asset.body.length,
      etag: asset.etag,
      "cache-control": "no-cache",
    });
    res.end(req.method === "HEAD" ? undefined : asset.body);
    return true;
  };
}

/**
 * A plugin that serves the app's OpenAPI 3.1 document at `/openapi.json` and
 * `/openapi.yaml` (GET and HEAD), and with `reference: true` an API reference page at
 * `/reference`. It joins the app's line where it is registered (a guard given to `aex.use`
 * before it runs first). The document is built once, from `aex.routes()`, on its first
 * request; every other request passes through. Options are checked here, at the call;
 * two routes given the same `@operationId` throw `AEX_ERR_OPENAPI_OPERATION_ID` at `prepare()`.
 *
 * @example
 * const aex = new Aex().push(Notes);
 * aex.register(openapi({ info: { title: "Notes", version: "1.0.0" }, reference: true }));
 */
export function openapi(options: ServeOpenApiOptions = {}): AexPlugin {
  const jsonPath = checkPath("jsonPath", options.jsonPath ?? "/openapi.json");
  const yamlPath = checkPath("yamlPath", options.yamlPath ?? "/openapi.yaml");
  checkSchemas(options.schemas);
  const reference = options.reference === true ? referenceStep(options, jsonPath) : null;
  return {
    name: "openapi",
    setup(app) {
      const serve = documentStep(jsonPath, yamlPath, () => buildOpenApi(app.routes(), options), reference ?? undefined);
      app.use(
        decoratorStep("openapi", {
          // At prepare(): two routes given one @operationId stop the app here, not at the first request.
          build(prepared) {
            if (prepared !== undefined) documentOperationIds(prepared.routes());
            return serve;
          },
        }),
      );
    },
  };
}

/** Refuses a `schemas` option whose names `components.schemas` cannot hold, or whose values are no schemas. */
function checkSchemas(schemas: ServeOpenApiOptions["schemas"]): void {
  if (schemas === undefined) return;
  if (typeof schemas !== "object" || schemas === null) {
    throw openapiSetupError("AEX_ERR_OPENAPI_OPTIONS", "schemas must be an object of named schemas");
  }
  for (const [name, schema] of Object.entries(schemas)) {
    if (!/^[A-Za-z0-9._-]+$/.test(name)) {
      throw openapiSetupError(
        "AEX_ERR_OPENAPI_OPTIONS",
        `schemas: ${JSON.stringify(name)} is not a component name (A-Z a-z 0-9 . _ -)`,
      );
    }
    if (typeof schema !== "object" || schema === null) {
      throw openapiSetupError("AEX_ERR_OPENAPI_OPTIONS", `schemas.${name} must be a Standard Schema or a JSON Schema`);
    }
  }
}
