import cluster from "node:cluster";
import type { EventEmitter } from "node:events";
import { setTimeout as sleep } from "node:timers/promises";
import type { AexResponse } from "../http/response";
import type { Watchdog } from "../http/watchdog";
import type { TransportOptions } from "../http2/transport";
import { startArguments, type StartOptions } from "../http2/start-options";
import { startWorkers } from "../helpers/cluster";
import { awaitDependencies } from "../ops/dependencies";
import { drain, handleSignals, type CloseHooks } from "../ops/shutdown";
import type { AexApp } from "../registry/app-ref";
import type { BoundListener } from "./compile-controller";
import type { RequestEntry } from "./request-entry";

/** What the lifecycle drives of its app besides the app's public API. */
export interface LifecycleParts {
  readonly entry: RequestEntry;
  readonly watchdog: Watchdog<AexResponse>;
  readonly closeHooks: CloseHooks;
  readonly emitter: EventEmitter;
  /** The controllers' `@listen` listeners (after `prepare()`). */
  listeners(): readonly BoundListener[];
}

/**
 * An app's life: starting (prepare, make the server, listen, handle signals), serving, and
 * closing (readiness off, the refusal of new requests, drain, close hooks).
 */
export class Lifecycle {
  /** In a cluster's primary, the port its workers listen on. */
  clusterPort: number | undefined;
  private removeSignalHandlers: (() => void) | null = null;
  private closed: Promise<void> | null = null;

  constructor(
    private readonly app: AexApp,
    private readonly parts: LifecycleParts,
  ) {}

  /** `aex.start(…)`: null in a cluster's primary, which forks workers that run the script again. */
  async start(
    a?: number | StartOptions,
    b?: string | StartOptions,
    c?: boolean,
  ): Promise<ReturnType<AexApp["createServer"]> | null> {
    const { app } = this;
    const { port, host, prepare, transport, workers } = startArguments(a, b, c);
    if (workers !== null && cluster.isPrimary) {
      this.clusterPort = await startWorkers(workers);
      return null;
    }
    if (prepare) app.prepare();
    // Ready means ready (issue 29): the stores and adapters the app uses connect before it listens.
    await awaitDependencies(app);
    const server = app.createServer(transport as TransportOptions | undefined);
    if (!server.listening) {
      await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(port, host, () => {
          server.off("error", reject);
          resolve();
        });
      });
    }
    if (app.options.handleSignals && this.removeSignalHandlers === null) {
      this.removeSignalHandlers = handleSignals(() => app.close(), app.options.shutdownTimeout, app.log);
    }
    if (app.phase === "starting") app.phase = "serving";
    return server;
  }

  /** `aex.close()`, once: later calls get the same promise. */
  close(): Promise<void> {
    return (this.closed ??= this.closeOnce());
  }

  private async closeOnce(): Promise<void> {
    const { app, parts } = this;
    app.phase = "closing";
    if (app.options.closeDelay > 0 && app.server?.listening) await sleep(app.options.closeDelay);
    parts.entry.closing = true;
    const drained = app.server ? drain(app.server, app.options.closeTimeout) : Promise.resolve();
    await parts.closeHooks.run("connections", app.log);
    await drained;
    for (const { event, listener } of parts.listeners()) parts.emitter.off(event, listener);
    await parts.closeHooks.run("resources", app.log);
    parts.watchdog.stop();
    this.removeSignalHandlers?.();
    this.removeSignalHandlers = null;
    app.phase = "closed";
  }
}
