import type { Aex } from "./aex";

/**
 * An extension of an Aex app, joined with `aex.register(plugin, options)` before
 * `prepare()`. `setup` runs once per app: it may add helpers to the app's request and
 * response prototypes (`app.decorateResponse`), keep per-app state (`app.state`), read
 * the app's options (`app.options`) and add `onClose` hooks. Decorator steps find what it
 * set up through the app they get at `prepare()` (`build({ app })`).
 *
 * @example
 * const poweredBy: AexPlugin<{ name?: string }> = {
 *   name: "powered-by",
 *   setup(app, options) {
 *     app.use((_req, res) => void res.setHeader("X-Powered-By", options?.name ?? "Aex"));
 *   },
 * };
 * const aex = new Aex().register(poweredBy, { name: "notes" });
 */
export interface AexPlugin<O = undefined> {
  /** Shown in errors and debug logs. */
  readonly name: string;
  /** Runs once, when the plugin is registered on an app. */
  setup(app: Aex, options: O | undefined): void;
}
