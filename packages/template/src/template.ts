import { AexError, Scope } from "@aex/core";
import { addStep, methodDecorator, type AexMethodDecorator } from "@aex/core/plugin";
import { templates, VIEW } from "./template-plugin";
import type { ViewEngine } from "./view-engine";

/**
 * Makes an engine: `@template`'s first argument, called once at `prepare()` with the
 * views folder, the extension and the options given to `@template`. The engine decides
 * what to do with them (the ready ones add `ext` to names without an extension).
 */
export type TemplateInit<O = never> = (path: string, ext: string, options?: O) => ViewEngine;

/**
 * Gives the method a template engine: `init(path, ext, options)` runs once, at prepare;
 * its engine is `scope.engine`, and `res.render(name, data)` passes `name` to it as
 * written and sends the HTML. Methods of one class can each have their own engine.
 *
 * @example
 * class Pages {
 *   @http("/")
 *   @template(nunjucks, resolve(__dirname, "views"))
 *   home(req: AexRequest, res: AexResponse) { res.render("index", { hello: "Hello" }); }
 * }
 */
export function template<O>(init: TemplateInit<O>, path: string, ext = "html", options?: O): AexMethodDecorator {
  if (typeof init !== "function" || typeof path !== "string" || typeof ext !== "string") {
    throw new AexError("AEX_ERR_DECORATOR_ARGS", "@template(init, path, ext?, options?)");
  }
  return methodDecorator((holder, key) => {
    addStep(holder, key, {
      name: "template",
      build: ({ app }) => {
        // `scope.engine` reads the slot this step fills (defined once, at prepare(), not at import).
        Scope.defineSlot("engine");
        if (!app.has(templates)) app.register(templates);
        const engine = init(path, ext, options);
        if (typeof engine?.render !== "function") {
          throw new AexError("AEX_ERR_DECORATOR_ARGS", "@template's init must return an engine with a render function");
        }
        return (_req, res, scope) => {
          res[VIEW] = { engine, scope };
          scope.provide("engine", engine);
        };
      },
    });
  });
}
