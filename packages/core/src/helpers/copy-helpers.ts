/**
 * Copies what an Aex class adds over node's base class (`json`, `status`, `cookies`, the
 * response phase, an app's defaults…) onto `target`, from the base-most class to `Class`
 * itself (so a subclass's own helper wins), except the keys in `own`: what a transport
 * defines itself. HTTP/2 and the fetch facades give handlers the same API this way, from a
 * prototype, with nothing set per request.
 *
 * @example
 * copyHelpers(AexHttp2Response.prototype, Response, ServerResponse.prototype, new Set(["end"]));
 */
export function copyHelpers(target: object, Class: Function, base: object, own: ReadonlySet<PropertyKey>): void {
  const chain: object[] = [];
  for (let proto = Class.prototype as object; proto !== base && proto !== null; proto = Object.getPrototypeOf(proto)) {
    chain.push(proto);
  }
  for (const proto of chain.reverse()) {
    for (const key of Reflect.ownKeys(proto)) {
      if (key === "constructor" || own.has(key)) continue;
      Object.defineProperty(target, key, Object.getOwnPropertyDescriptor(proto, key)!);
    }
  }
}
