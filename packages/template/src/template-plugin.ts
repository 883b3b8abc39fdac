import { HttpError, Scope, type AexPlugin, type AexResponse } from "@aex/core";
import debug from "debug";
import type { TEMPLATE_ERROR_CODES } from "./errors";
import { renderView, type ViewEngine } from "./view-engine";

type TemplateErrorCode = keyof typeof TEMPLATE_ERROR_CODES;

const log = debug("aex:template");
const HTML_HEAD = { "content-type": "text/html; charset=utf-8" } as const;

/** Where `@template`'s step leaves the method's engine and scope for `res.render`. */
export const VIEW = Symbol("aex.template.view");

/** What `@template`'s step leaves on the response. */
export interface ResponseView {
  /** The method's template engine. */
  readonly engine: ViewEngine;
  /** The request's scope, whose values templates see. */
  readonly scope: Scope;
}

declare module "@aex/core" {
  interface ScopeSlots {
    /** The method's template engine, once `@template()` ran. */
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

/**
 * Template data plus `nonce` (the response's CSP nonce, made only when a template reads
 * it), unless the data has its own. A copy with the same prototype: engines such as
 * nunjucks copy own properties.
 */
function withNonce(data: object, res: AexResponse): object {
  if ("nonce" in data) return data;
  const copy = Object.assign(Object.create(Object.getPrototypeOf(data) as object | null) as object, data);
  return Object.defineProperty(copy, "nonce", { get: () => res.nonce, enumerable: true });
}

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
        this.typedEnd(await renderView(view.engine, name, withNonce(data, this)), HTML_HEAD);
      } catch (cause) {
        log("cannot render %o: %O", name, cause);
        const error = new HttpError(500, `Cannot render template "${name}"`, {
          code: "AEX_TEMPLATE_FAILED" satisfies TemplateErrorCode,
          cause,
        });
        await app.answerError(error, this.req, this, view?.scope);
      }
    }
    app.decorateResponse("render", render);
  },
};
