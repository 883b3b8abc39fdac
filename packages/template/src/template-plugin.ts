import { HttpError, Scope, type AexPlugin, type AexResponse } from "@aex/core";
import debug from "debug";
import { renderView, type ViewEngine } from "./view-engine";

const log = debug("aex:template");
const HTML_HEAD = { "content-type": "text/html; charset=utf-8" } as const;

/** Where `@template`'s step leaves the method's engine and scope for `res.render`. */
export const VIEW = Symbol("aex.template.view");

/** What `@template`'s step leaves on the response. */
export interface ResponseView {
  readonly engine: ViewEngine;
  readonly scope: Scope;
}

declare module "@aex/core" {
  interface ScopeSlots {
    engine: ViewEngine;
  }
  interface Scope {
    /** The method's template engine (`@template()` from `@aex/template`). */
    readonly engine: ViewEngine;
  }
  interface AexResponse {
    /**
     * Renders template `name` (as written; the engine resolves it) with `data` through
     * the method's `@template` engine and sends it as `text/html; charset=utf-8`. It never
     * rejects: a failure is logged (`aex:template`) and answered by the app's error path
     * as a 500 `AEX_TEMPLATE_FAILED`.
     */
    render(name: string, data?: object): Promise<void>;
    /** @internal */
    [VIEW]?: ResponseView;
  }
}

Scope.defineSlot("engine");

/**
 * The template plugin: adds `res.render` to the app's responses. `@template` registers
 * it on its app at `prepare()` when the app has not.
 *
 * @example
 * const aex = new Aex().register(templates);
 */
export const templates: AexPlugin<undefined> = {
  name: "@aex/template",
  setup(app) {
    async function render(this: AexResponse, name: string, data: object = {}): Promise<void> {
      const view = this[VIEW];
      try {
        if (view === undefined) throw new Error("res.render needs a template engine: add @template to the method");
        this.typedEnd(await renderView(view.engine, name, data), HTML_HEAD);
      } catch (cause) {
        log("cannot render %o: %O", name, cause);
        const error = new HttpError(500, `Cannot render template "${name}"`, { code: "AEX_TEMPLATE_FAILED", cause });
        await app.answerError(error, this.req, this, view?.scope);
      }
    }
    app.decorateResponse("render", render);
  },
};
