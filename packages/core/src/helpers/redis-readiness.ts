import type { Dependency, DependencyState } from "../ops/dependencies";

/** What {@link RedisReadiness} needs of a node-redis v4/v5 client (any other client: "up"). */
export interface ConnectableRedisClient {
  /** Whether the connection works now. */
  readonly isReady?: boolean;
  /** Whether the client was asked to connect (it may still be connecting). */
  readonly isOpen?: boolean;
  /** Connects the client. */
  connect?(): Promise<unknown>;
  /** node-redis emits `ready` each time a connection works, the first one and after each outage. */
  on?(event: "ready", listener: () => void): unknown;
}

/**
 * The first connection of one or more node-redis clients, as a {@link Dependency}. node-redis's
 * `connect()` resolves as soon as the socket is open (and keeps retrying, never rejecting,
 * while Redis is unreachable), so "connect() resolved" is not "ready": `ready()` waits for
 * the clients' `ready` event instead, connecting those nobody connected. `connected` then
 * tells a store whether to wait for the first connection or to fail fast (an outage).
 *
 * @example
 * class MyRedisStore implements Dependency {
 *   private readonly readiness = new RedisReadiness([this.client]);
 *   get connection() { return this.readiness.connection; }
 *   ready() { return this.readiness.ready(); }
 * }
 */
export class RedisReadiness implements Dependency {
  private everReady = false;
  private first: Promise<void> | null = null;

  constructor(private readonly clients: readonly ConnectableRedisClient[]) {
    for (const client of clients) client.on?.("ready", () => void this.up());
  }

  /** Whether every client was ready at least once (then a lost connection is an outage). */
  get connected(): boolean {
    return this.everReady || this.up();
  }

  /** `connecting` until every client was ready once, then `up`, or `down` while one is not. */
  get connection(): DependencyState {
    if (this.up()) return "up";
    return this.everReady ? "down" : "connecting";
  }

  /** Resolves once every client is ready, connecting those nobody asked to connect. */
  ready(): Promise<void> {
    this.first ??= Promise.all(this.clients.map((client) => readyOnce(client))).then(() => void this.up());
    return this.first;
  }

  private up(): boolean {
    const up = this.clients.every((client) => client.isReady ?? true);
    if (up) this.everReady = true;
    return up;
  }
}

function readyOnce(client: ConnectableRedisClient): Promise<void> {
  return new Promise<void>((resolve) => {
    if ((client.isReady ?? true) || client.on === undefined) return resolve();
    client.on("ready", resolve);
    // Connection errors reach the client's own `error` listeners; it retries by itself.
    if (client.isOpen === false) client.connect?.().catch(() => undefined);
  });
}
