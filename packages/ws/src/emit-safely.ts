import type { EventEmitter } from "node:events";

/**
 * Calls every listener of `event` with `args`, catching what each throws or rejects
 * with, so one failing listener never kills the process or starves the others.
 * Returns whether any listener failed synchronously; async failures go to `onError`.
 */
export function emitSafely(
  emitter: EventEmitter,
  event: string | symbol,
  args: readonly unknown[],
  onError: (error: unknown) => void,
): void {
  for (const listener of emitter.listeners(event) as ((...a: unknown[]) => unknown)[]) {
    try {
      const result = listener.apply(emitter, args as unknown[]);
      if (typeof (result as Promise<unknown> | undefined)?.then === "function") {
        (result as Promise<unknown>).then(undefined, onError);
      }
    } catch (error) {
      onError(error);
    }
  }
}
