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
export function listen(event: string | symbol): MethodDecorator {
  if (typeof event !== "string" && typeof event !== "symbol") {
    throw new AexError("AEX_ERR_DECORATOR_ARGS", "@listen takes an event name");
  }
  return (target, key) => addListener(target, key, event);
}
