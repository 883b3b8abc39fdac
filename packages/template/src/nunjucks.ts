import * as nunjucksLib from "nunjucks";
import type { ViewEngine } from "@aex/core";

/** A nunjucks engine; `environment` is there to add filters and globals. */
export interface NunjucksEngine extends ViewEngine {
  readonly environment: nunjucksLib.Environment;
  render(name: string, data: object): Promise<string>;
}

/**
 * A ready nunjucks engine for `@template(nunjucks, path)`: autoescaping on, templates
 * cached in production and re-read in development, rendered asynchronously. Names that
 * leave `path` are refused by nunjucks' loader.
 *
 * @example
 * @template(nunjucks, resolve(__dirname, "views"))
 */
export function nunjucks(path: string, options: nunjucksLib.ConfigureOptions = {}): NunjucksEngine {
  const production = process.env.NODE_ENV === "production";
  const loader = new nunjucksLib.FileSystemLoader(path, { noCache: !production });
  const environment = new nunjucksLib.Environment(loader, { autoescape: true, ...options });
  return {
    environment,
    render: (name, data) =>
      new Promise((resolve, reject) => {
        environment.render(name, data, (error, html) => (error ? reject(error) : resolve(html ?? "")));
      }),
  };
}
