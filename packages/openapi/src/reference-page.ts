import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { openapiSetupError } from "./errors";

/** A file of the reference page's UI, read once from its npm package. */
export interface ReferenceAsset {
  readonly body: Buffer;
  readonly type: string;
  /** Revalidation tag: the package's version and the file's size. */
  readonly etag: string;
}

/** The files of `swagger-ui-dist` the page loads (the bundle holds every script it needs). */
const ASSETS = {
  "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
  "swagger-ui.css": "text/css; charset=utf-8",
} as const;

/** A file name the page loads from `<referencePath>/`. */
export type ReferenceAssetName = keyof typeof ASSETS;

/** Whether `name` is one of the page's files. */
export function isReferenceAsset(name: string): name is ReferenceAssetName {
  return Object.prototype.hasOwnProperty.call(ASSETS, name);
}

/**
 * The folder of the installed `swagger-ui-dist`, looked up beside `@aex/openapi` (its optional
 * peer dependency) and then from the app's folder; a coded setup error when it is in neither.
 */
export function swaggerUiFolder(): { folder: string; version: string } {
  const from = [__filename, join(process.cwd(), "package.json")];
  for (const base of from) {
    try {
      const manifest = createRequire(base).resolve("swagger-ui-dist/package.json");
      const { version } = JSON.parse(readFileSync(manifest, "utf8")) as { version: string };
      return { folder: dirname(manifest), version };
    } catch {
      // not installed there: try the next place
    }
  }
  throw openapiSetupError(
    "AEX_ERR_OPENAPI_OPTIONS",
    "reference: true serves Swagger UI from the swagger-ui-dist package: install it (npm install swagger-ui-dist)",
  );
}

/** Reads one of the page's files (on its first request: nothing is read for an app that never shows the page). */
export function readReferenceAsset(folder: string, version: string, name: ReferenceAssetName): ReferenceAsset {
  const body = readFileSync(join(folder, name));
  return { body, type: ASSETS[name], etag: `"swagger-ui-dist-${version}-${body.length}"` };
}

const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * The reference page, split where its one inline script's nonce goes: `head + nonce + tail`.
 * The UI and its styles load from `assets` (same origin, allowed by the default CSP's
 * `'self'`); the inline script starts Swagger UI on the JSON document. `validatorUrl: null`
 * keeps Swagger UI from asking an online validator for a badge: the page makes no request
 * that leaves the app.
 */
export function referencePage(title: string, assets: string, documentUrl: string): { head: string; tail: string } {
  const config = JSON.stringify({
    url: documentUrl,
    dom_id: "#reference",
    deepLinking: true,
    validatorUrl: null,
    layout: "BaseLayout",
  }).replace(/</g, "\\u003c");
  const head = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${escapeHtml(assets)}/swagger-ui.css">
</head>
<body>
<div id="reference"></div>
<script src="${escapeHtml(assets)}/swagger-ui-bundle.js"></script>
<script nonce="`;
  const tail = `">
"use strict";
window.ui = SwaggerUIBundle(Object.assign(${config}, { presets: [SwaggerUIBundle.presets.apis] }));
</script>
</body>
</html>
`;
  return { head, tail };
}
