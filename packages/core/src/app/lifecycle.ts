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
import { AexBunServer } from "../fetch/bun-server";
import { bunSetup, chooseTransport, idleSeconds } from "../fetch/bun-transport";
import type { FetchEntry } from "../fetch/fetch-entry";
import type { FetchUpgradeEntry } from "../fetch/fetch-upgrade";
import { nativeWebSocketLimits } from "../fetch/native-websocket";
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
  /** Whether the app upgrades connections (`@ws` routes, an attached WebSocket server). */
  upgrades(): boolean;
  /** The app's `aex.fetch` entry, which the Bun transport serves. */
  fetchEntry(): FetchEntry;
  /** The app's way in for upgrade requests on Bun.serve (its WebSockets). */
  upgradeEntry(): FetchUpgradeEntry;
  /** Whether the node server `createServer()` made has listeners of its own (it must serve then). */
  nodeServerInUse(): boolean;
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
  ): Promise<ReturnType<AexApp["createServer"]> | AexBunServer | null> {
    const { app, parts } = this;
    const { port, host, prepare, transport, workers, serveWith } = startArguments(a, b, c);
    if (workers !== null && cluster.isPrimary) {
      this.clusterPort = await startWorkers(workers);
      return null;
    }
    if (prepare) app.prepare();
    if (app.server instanceof AexBunServer) return app.server;
    const choice = chooseTransport(serveWith, transport, { serverMade: parts.nodeServerInUse() });
    // Ready means ready (issue 29): the stores and adapters the app uses connect before it listens.
    await awaitDependencies(app);
    if (choice.bun) return this.startBun(port, host, transport);
    if (choice.reason !== null)
      app.log.info({ transport: "node", reason: choice.reason }, "serving with node:http on Bun");
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
    this.serving();
    return server;
  }

  /** Serves with `Bun.serve`, through the app's `aex.fetch` entry. */
  private startBun(port: number, host: string, transport: TransportOptions | undefined): AexBunServer {
    const { app, parts } = this;
    const { handlerTimeout, limits, server: nodeOptions } = app.options;
    const idle = idleSeconds(handlerTimeout, limits.bodyIdleTimeout, nodeOptions.keepAliveTimeout ?? 5_000);
    // Bun.serve throws at once (EADDRINUSE…), as node's listen rejects.
    const setup = bunSetup(port, host, idle, transport?.tls, parts.upgradeEntry(), nativeWebSocketLimits(app));
    const server = new AexBunServer(parts.fetchEntry(), setup);
    server.acceptsUpgrades = parts.upgrades();
    app.server = server;
    parts.watchdog.start();
    this.serving();
    return server;
  }

  /** Signals handled (unless `handleSignals: false`), and the app marked serving. */
  private serving(): void {
    const { app } = this;
    if (app.options.handleSignals && this.removeSignalHandlers === null) {
      this.removeSignalHandlers = handleSignals(() => app.close(), app.options.shutdownTimeout, app.log);
    }
    if (app.phase === "starting") app.phase = "serving";
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
