import type { AexRequest, AexResponse, Step } from "@aex/core";
import { pathOf } from "@aex/core/plugin";
import type { JsonSchema } from "./rules-to-json-schema";
import { toYaml } from "./to-yaml";

/**
 * A step that answers `GET`/`HEAD` of `jsonPath` and `yamlPath` with a document made by
 * `build` on the first request (then kept, as JSON and YAML text), and passes every other
 * request on, or to `other` (which returns true when it answered). `openapi()` and
 * `@aex/asyncapi`'s `asyncapi()` serve their documents with it.
 *
 * @example
 * aex.use(documentStep("/doc.json", "/doc.yaml", () => ({ title: "mine" })));
 */
export function documentStep(
  jsonPath: string,
  yamlPath: string,
  build: () => JsonSchema,
  other?: (path: string, req: AexRequest, res: AexResponse) => boolean,
): Step {
  let document: JsonSchema | undefined;
  let json: string | undefined;
  let yaml: string | undefined;
  return (req, res) => {
    if (req.method !== "GET" && req.method !== "HEAD") return undefined;
    const path = pathOf(req.url);
    if (path !== jsonPath && path !== yamlPath) return other !== undefined && other(path, req, res) ? false : undefined;
    document ??= build();
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
