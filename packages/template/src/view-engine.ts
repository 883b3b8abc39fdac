/**
 * A template engine as `@template` needs it: anything with `render(name, data)` that
 * returns the HTML (or a promise of it), or takes a node callback as third argument
 * (nunjucks' `Environment` does). `name` is what `res.render` was given, as written.
 */
export interface ViewEngine {
  /** Renders template `name` with `data`: returns the HTML (or its promise), or calls `callback` with it. */
  render(name: string, data: object, callback?: (error: Error | null, html?: string) => void): unknown;
}

/** Renders with either style of engine and resolves to the HTML. */
export function renderView(engine: ViewEngine, name: string, data: object): Promise<string> {
  if (engine.render.length >= 3) {
    return new Promise((resolve, reject) => {
      engine.render(name, data, (error, html) => (error ? reject(error) : resolve(String(html ?? ""))));
    });
  }
  return Promise.resolve(engine.render(name, data)).then((html) => String(html ?? ""));
}
