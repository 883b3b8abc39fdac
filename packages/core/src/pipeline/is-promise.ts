/**
 * True for a promise or any other thenable a step or hook may return: the line and the
 * response phase stay synchronous until one does.
 *
 * @example
 * const result = step(req, res, scope);
 * if (isPromise(result)) await result;
 */
export function isPromise(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | null)?.then === "function";
}
