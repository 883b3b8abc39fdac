/**
 * The pug engine for `@template`, an entry of its own so that an app on another engine
 * never loads (or installs) `pug`.
 *
 * @module @aex/template/pug
 */
import * as pugLib from "pug";
import type { ViewEngine } from "./view-engine";
import { viewName, viewPath } from "./view-name";

/** Options of the pug adapter: pug's own, plus `cache`. */
export interface PugOptions extends pugLib.Options {
  /** Keep compiled templates. Default: true in production, false in development. */
  cache?: boolean;
}

/**
 * A ready pug engine for `@template(pug, path, "pug")`: `.${ext}` (default `pug`) is
 * added to names without an extension; compiled templates are kept in
 * production and re-read in development; `extends`/`include` resolve from `path`;
 * names outside `path` are refused.
 *
 * @example
 * @template(pug, resolve(__dirname, "views"), "pug")
 */
export function pug(path: string, ext = "pug", options: PugOptions = {}): ViewEngine {
  const { cache = process.env.NODE_ENV === "production", ...pugOptions } = options;
  const compiled = new Map<string, pugLib.compileTemplate>();
  return {
    render(name: string, data: object): string {
      const file = viewPath(path, viewName(name, ext));
      let fn = cache ? compiled.get(file) : undefined;
      if (fn === undefined) {
        fn = pugLib.compileFile(file, { basedir: path, ...pugOptions });
        if (cache) compiled.set(file, fn);
      }
      return fn(data);
    },
  };
}
