import type { Aex } from "../app/aex";
import type { Step } from "../pipeline/types";
import { buildOpenApi, type OpenApiOptions } from "./build-document";
import type { JsonSchema } from "./rules-to-json-schema";
import { toYaml } from "./to-yaml";

/** Options of {@link openapi}: the document's, plus where it is served. */
export interface ServeOpenApiOptions extends OpenApiOptions {
  /** Path of the JSON document; default `/openapi.json`. */
  jsonPath?: string;
  /** Path of the YAML document; default `/openapi.yaml`. */
  yamlPath?: string;
}

/**
 * A middleware for `aex.use` that serves the app's OpenAPI 3.1 document at
 * `/openapi.json` and `/openapi.yaml` (GET and HEAD). The document is built once, from
 * `aex.routes()`, on its first request; every other request passes through.
 *
 * @example
 * const aex = new Aex().push(Notes);
 * aex.use(openapi(aex, { info: { title: "Notes", version: "1.0.0" } }));
 */
export function openapi(app: Aex, options: ServeOpenApiOptions = {}): Step {
  const jsonPath = options.jsonPath ?? "/openapi.json";
  const yamlPath = options.yamlPath ?? "/openapi.yaml";
  let document: JsonSchema | undefined;
  let json: string | undefined;
  let yaml: string | undefined;
  return (req, res) => {
    if (req.method !== "GET" && req.method !== "HEAD") return undefined;
    const url = req.url ?? "/";
    const q = url.indexOf("?");
    const path = q === -1 ? url : url.slice(0, q);
    if (path !== jsonPath && path !== yamlPath) return undefined;
    document ??= buildOpenApi(app.routes(), options);
    const asYaml = path === yamlPath;
    const text = asYaml ? (yaml ??= toYaml(document)) : (json ??= JSON.stringify(document));
    res.writeHead(200, {
      "content-type": asYaml ? "application/yaml; charset=utf-8" : "application/json; charset=utf-8",
      "content-length": Buffer.byteLength(text),
    });
    res.end(req.method === "HEAD" ? undefined : text);
    return false;
  };
}
