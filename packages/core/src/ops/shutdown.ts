/** What draining needs of a server (node's HTTP server, or another with the same calls). */
export interface DrainableServer {
  readonly listening: boolean;
  close(callback: () => void): unknown;
  closeAllConnections(): void;
  closeIdleConnections(): void;
}
import type { Logger } from "pino";

/**
 * When an `onClose` hook runs: `connections` as soon as the server stops accepting (end
 * WebSockets and event streams there), `resources` (the default) after every request
 * finished (close stores and clients there). See `aex.onClose`.
 */
export type ClosePhase = "connections" | "resources";

/**
 * The `onClose` hooks of an app, in two phases:
 * 1. `connections`: right after the server stops accepting, in registration order, while
 *    HTTP requests in flight drain: end long-lived connections (WebSockets with 1001, SSE
 *    streams), or draining would wait for them.
 * 2. `resources` (the default): after every request finished or was cut, in reverse
 *    registration order (last opened, first closed): stores, Redis clients, pools.
 */
export class CloseHooks {
  private readonly hooks: { phase: ClosePhase; hook: () => unknown }[] = [];

  add(hook: () => unknown, phase: ClosePhase): void {
    this.hooks.push({ phase, hook });
  }

  /** Runs one phase's hooks; a failing hook is logged and the others still run. */
  async run(phase: ClosePhase, log: Logger): Promise<void> {
    const hooks = this.hooks.filter((h) => h.phase === phase);
    if (phase === "resources") hooks.reverse();
    for (const { hook } of hooks) {
      try {
        await hook();
      } catch (err) {
        log.error({ err }, "an onClose hook failed");
      }
    }
  }
}

/**
 * Stops `server` accepting and waits for its connections to end. Idle keep-alive
 * connections are closed as soon as they become idle; after `timeoutMs` the remaining
 * ones are cut.
 */
export function drain(server: DrainableServer, timeoutMs: number): Promise<void> {
  if (!server.listening) return Promise.resolve();
  return new Promise<void>((resolve) => {
    const force = setTimeout(() => server.closeAllConnections(), timeoutMs);
    // A response that finished leaves its keep-alive connection idle: close it soon.
    const sweep = setInterval(() => server.closeIdleConnections(), 25);
    force.unref();
    sweep.unref();
    server.close(() => {
      clearTimeout(force);
      clearInterval(sweep);
      resolve();
    });
    server.closeIdleConnections();
  });
}

/**
 * Handles SIGTERM and SIGINT for `close`: the first signal closes gracefully and exits
 * with 0 (1 if closing failed or the deadline passed); a second one exits at once.
 * Returns the function that removes the handlers.
 */
export function handleSignals(close: () => Promise<void>, deadlineMs: number, log: Logger): () => void {
  let shuttingDown = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (shuttingDown) {
      log.warn({ signal }, "second signal: exiting now");
      process.exit(1);
    }
    shuttingDown = true;
    log.info({ signal }, "shutting down");
    const deadline = setTimeout(() => {
      log.error({ signal, deadlineMs }, "shutdown deadline passed: exiting");
      process.exit(1);
    }, deadlineMs);
    deadline.unref();
    close().then(
      () => process.exit(0),
      (err: unknown) => {
        log.error({ err }, "shutdown failed");
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", onSignal);
  process.on("SIGINT", onSignal);
  return () => {
    process.off("SIGTERM", onSignal);
    process.off("SIGINT", onSignal);
  };
}
