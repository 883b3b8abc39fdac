/**
 * The Aex app, as the layers below it name it: a step's build context, a response's `app`,
 * the test client. Empty here; app/aex.ts makes it the `Aex` class by declaration merging,
 * so these layers type the app without importing the module that imports them.
 *
 * @example
 * const step = decoratorStep("who", { build: (app: AexApp | undefined) => () => void app?.log.info("built") });
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled in by app/aex.ts
export interface AexApp {}
