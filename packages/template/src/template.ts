import { addStep, methodDecorator, type AexMethodDecorator, AexError, renderView, type ViewEngine } from "@aex/core";
import { viewName } from "./view-name";

/** Makes an engine from the views folder and options: `@template`'s first argument. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each engine has its own options
export type TemplateInit = (path: string, options?: any) => ViewEngine;

/**
 * Gives the method a template engine: `init(path, options)` runs once, at prepare; its
 * engine is `scope.engine`, and `res.render(name, data)` renders through it (adding
 * `.${ext}` to names without an extension) and sends the HTML. Methods of one class can
 * each have their own engine.
 *
 * @example
 * class Pages {
 *   @http("/")
 *   @template(nunjucks, resolve(__dirname, "views"))
 *   home(req, res) { res.render("index", { hello: "Hello" }); }
 * }
 */
export function template(init: TemplateInit, path: string, ext = "html", options?: unknown): AexMethodDecorator {
  if (typeof init !== "function" || typeof path !== "string") {
    throw new AexError("AEX_ERR_DECORATOR_ARGS", "@template(init, path, ext?, options?)");
  }
  return methodDecorator((holder, key) => {
    addStep(holder, key, {
      name: "template",
      build: () => {
        const engine = init(path, options);
        if (typeof engine?.render !== "function") {
          throw new AexError("AEX_ERR_DECORATOR_ARGS", "@template's init must return an engine with a render function");
        }
        const view: ViewEngine = { render: (name, data) => renderView(engine, viewName(name, ext), data) };
        return (_req, res, scope) => {
          res.view = view;
          scope.provide("engine", engine);
        };
      },
    });
  });
}
