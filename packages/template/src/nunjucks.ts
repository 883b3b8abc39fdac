/**
 * The nunjucks engine for `@template`, an entry of its own so that an app on another
 * engine never loads (or installs) `nunjucks`.
 *
 * @module @aex/template/nunjucks
 */
import * as nunjucksLib from "nunjucks";
import type { ViewEngine } from "./view-engine";
import { viewName } from "./view-name";

/** A nunjucks engine; `environment` is there to add filters and globals. */
export interface NunjucksEngine extends ViewEngine {
  /** The nunjucks environment: add filters and globals to it. */
  readonly environment: nunjucksLib.Environment;
  /** Renders template `name` (under the views folder) with `data`. */
  render(name: string, data: object): Promise<string>;
}

/**
 * A ready nunjucks engine for `@template(nunjucks, path, ext?, options?)`: autoescaping
 * on, templates cached in production and re-read in development, rendered
 * asynchronously; `.${ext}` (default `html`) is added to names without an extension.
 * Names that leave `path` are refused.
 *
 * @example
 * @template(nunjucks, resolve(__dirname, "views"))
 */
export function nunjucks(path: string, ext = "html", options: nunjucksLib.ConfigureOptions = {}): NunjucksEngine {
  const production = process.env.NODE_ENV === "production";
  const loader = new nunjucksLib.FileSystemLoader(path, { noCache: !production });
  const environment = new nunjucksLib.Environment(loader, { autoescape: true, ...options });
  return {
    environment,
    render: (name, data) =>
      new Promise((resolve, reject) => {
        // Inside the promise: a refused name rejects like a missing template.
        environment.render(viewName(name, ext), data, (error, html) => (error ? reject(error) : resolve(html ?? "")));
      }),
  };
}
