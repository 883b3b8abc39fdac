import { isPromise } from "../pipeline/is-promise";

/**
 * Runs a response's `beforeEnd` tasks, then `end`: in the same tick when none returns a
 * promise (a memory store's save), once all have settled otherwise. A task that throws or
 * rejects goes to `failed` instead, with nothing sent. Shared by the HTTP/1 and HTTP/2
 * responses, so both end alike.
 */
export function runBeforeEnd(
  tasks: readonly (() => unknown)[],
  end: () => void,
  failed: (error: unknown) => void,
): void {
  let pending: PromiseLike<unknown>[] | null = null;
  try {
    for (const task of tasks) {
      const result = task();
      if (isPromise(result)) (pending ??= []).push(result);
    }
  } catch (error) {
    failed(error);
    return;
  }
  if (pending === null) end();
  else Promise.all(pending).then(end, failed);
}
