import { methodDecorator, type AexMethodDecorator } from "../registry/method-decorator";
import { AexError } from "../errors/aex-error";
import { addListener } from "../registry/registry";

/**
 * Makes a method a listener of `event` on the app's emitter (`new Aex(emitter)`). It
 * is called as `method(emitter, ...messages)` with `this` the controller instance.
 *
 * @example
 * class Echo {
 *   @listen("echo")
 *   echo(emitter: EventEmitter, message: string) { emitter.emit("echoed", message); }
 * }
 */
export function listen(event: string | symbol): AexMethodDecorator {
  if (typeof event !== "string" && typeof event !== "symbol") {
    throw new AexError("AEX_ERR_DECORATOR_ARGS", "@listen takes an event name");
  }
  return methodDecorator((holder, key) => addListener(holder, key, event));
}
