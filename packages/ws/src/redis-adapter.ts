import { randomUUID } from "node:crypto";
import { closeRedisClient, RedisReadiness, type DependencyState } from "@aex/core/plugin";
import debug from "debug";
import { createClient, type RedisClientOptions, type RedisClientType } from "redis";
import type { BroadcastAdapter, BroadcastMessage } from "./adapter";

const log = debug("aex:ws:redis");

/** Options of a {@link RedisAdapter}. */
export interface RedisAdapterOptions {
  /** The pub/sub channel; servers that share it share broadcasts. Default `"aex:ws"`. */
  channel?: string;
}

interface Envelope extends BroadcastMessage {
  origin: string;
}

/**
 * Shares broadcasts between processes and machines through Redis pub/sub: every
 * `WebSocketServer` with an adapter on the same channel delivers the others' broadcasts
 * to its own connections. It opens two connections (one must only subscribe).
 *
 * @example
 * const ws = new WebSocketServer(server, { adapter: new RedisAdapter({ url: process.env.REDIS_URL }) });
 * await ws.ready;
 */
export class RedisAdapter implements BroadcastAdapter {
  private readonly origin = randomUUID();
  private readonly channel: string;
  private readonly publisher: RedisClientType;
  private readonly subscriber: RedisClientType;
  private readonly readiness: RedisReadiness;
  private subscribed = false;

  constructor(options: RedisClientOptions = {}, adapterOptions: RedisAdapterOptions = {}) {
    this.channel = adapterOptions.channel ?? "aex:ws";
    this.publisher = createClient(options) as RedisClientType;
    this.subscriber = this.publisher.duplicate();
    // Without listeners, connection errors would be thrown and kill the process.
    this.publisher.on("error", (error: Error) => log("publisher: %s", error.message));
    this.subscriber.on("error", (error: Error) => log("subscriber: %s", error.message));
    this.readiness = new RedisReadiness([this.publisher, this.subscriber]);
  }

  /** `connecting` until both clients connected and subscribed, then `up`, or `down` during an outage. */
  get connection(): DependencyState {
    return this.subscribed ? this.readiness.connection : "connecting";
  }

  /** Connects both clients and subscribes to the channel; others' broadcasts go to `deliver`. */
  async start(deliver: (message: BroadcastMessage) => void): Promise<void> {
    await Promise.all([this.publisher.connect(), this.subscriber.connect()]);
    await this.subscriber.subscribe(this.channel, (json: string) => {
      const envelope = parseEnvelope(json);
      if (envelope === null) return log("dropping a malformed broadcast: %s", json.slice(0, 200));
      const { origin, room, event, data } = envelope;
      if (origin !== this.origin) deliver({ room, event, data });
    });
    this.subscribed = true;
  }

  /** Publishes a broadcast of this process on the channel. */
  async publish(message: BroadcastMessage): Promise<void> {
    const envelope: Envelope = { ...message, origin: this.origin };
    await this.publisher.publish(this.channel, JSON.stringify(envelope));
  }

  /** Closes both clients, without waiting for a Redis that is gone. */
  async close(): Promise<void> {
    await Promise.all([closeRedisClient(this.subscriber), closeRedisClient(this.publisher)]);
  }
}

/**
 * A broadcast from the channel, or null when it is not one: anyone who can publish to the
 * channel can send anything, and a message without a string event must not reach clients.
 */
function parseEnvelope(json: string): Envelope | null {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return null;
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) return null;
  const { origin, room, event, data } = value as Record<string, unknown>;
  if (typeof origin !== "string" || typeof event !== "string" || event === "") return null;
  if (room !== undefined && typeof room !== "string") return null;
  return { origin, room, event, data };
}
