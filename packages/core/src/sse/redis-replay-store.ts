import { createHash } from "node:crypto";
import { closeRedisClient, type ClosableRedisClient } from "../helpers/close-redis-client";
import { RedisReadiness, type ConnectableRedisClient } from "../helpers/redis-readiness";
import type { Dependency, DependencyState } from "../ops/dependencies";
import { eventData, oneLine } from "./frame";
import { replayKey } from "./replay-id";
import type { ReplayEntry, ReplayListener, ReplayRead, ReplayStore } from "./replay-store";

/** The connection a {@link RedisReplayStore} subscribes with: a node-redis v5 client's `duplicate()`. */
export interface RedisReplaySubscriber extends ConnectableRedisClient, ClosableRedisClient {
  /** `SUBSCRIBE channel`; resolves once Redis confirmed it. */
  subscribe(channel: string, listener: (message: string) => void): Promise<unknown>;
  /** `UNSUBSCRIBE channel`. */
  unsubscribe(channel: string): Promise<unknown>;
  /** Connection errors (logged, not thrown) and `ready` (after an outage: resync). */
  on(event: "error" | "ready", listener: (error?: Error) => void): unknown;
}

/**
 * The part of a node-redis v5 client a {@link RedisReplayStore} uses: `createClient()` from
 * `redis` satisfies it, so `@aex/core` does not depend on the `redis` package.
 */
export interface RedisReplayClient extends ConnectableRedisClient, ClosableRedisClient {
  /** Sends one raw command (`["EVALSHA", …]`) and resolves to its reply. */
  sendCommand(args: string[]): Promise<unknown>;
  /** A new client to the same server: the store subscribes through it (and closes it). */
  duplicate(): RedisReplaySubscriber;
}

/** Options of a {@link RedisReplayStore}. */
export interface RedisReplayStoreOptions {
  /** Prefix of each channel's stream key and pub/sub channel. Default `"aex:sse:"`. */
  prefix?: string;
  /** Entries kept per channel (`XADD … MAXLEN size`). Default 1 000. */
  size?: number;
  /** Seconds a channel's log lives after its last event. Default 86 400 (a day). */
  ttl?: number;
  /** Milliseconds a command may take before it counts as failed. Default 2 000. */
  timeout?: number;
  /** Milliseconds `aex.start()` waits for the first connection. Default 10 000. */
  connectTimeout?: number;
}

/*
 * Appends atomically and publishes in the same step, so the order subscribers see is the
 * log's order whoever publishes. Each entry keeps the id before it (`p`): a subscriber that
 * sees a `p` it did not deliver knows it missed something, and a reconnecting client whose
 * id was trimmed off is still served when its id is the oldest entry's `p`.
 */
const PUBLISH = `
local prev = '0-0'
local last = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 1)
if #last > 0 then prev = last[1][1] end
local id = redis.call('XADD', KEYS[1], 'MAXLEN', ARGV[1], '*', 'e', ARGV[2], 'd', ARGV[3], 'p', prev, 'j', ARGV[5])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
redis.call('PUBLISH', KEYS[1], id .. '\\n' .. prev .. '\\n' .. ARGV[5] .. '\\n' .. ARGV[2] .. '\\n' .. ARGV[3])
return id
`;

/*
 * What came after ARGV[1] ('' for a new client): { 'entries', head, entries… } or
 * { 'gone', head, reason }. The id is in the log (or is its newest): what follows it. It is
 * not, but the oldest entry's `p` is that id: the whole log. Otherwise it was trimmed off,
 * or this log never gave it.
 */
const READ = `
local function key(id)
  local ms, seq = string.match(id, '^(%d+)-(%d+)$')
  if ms == nil then ms = string.match(id, '^(%d+)$'); seq = '0' end
  if ms == nil then return nil end
  return { tonumber(ms), tonumber(seq) }
end
local function after(a, b) return a[1] > b[1] or (a[1] == b[1] and a[2] > b[2]) end
local head = '0-0'
local newest = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 1)
if #newest > 0 then head = newest[1][1] end
if ARGV[1] == '' then return { 'entries', head } end
local wanted = key(ARGV[1])
if wanted == nil or after(wanted, key(head)) then return { 'gone', head, 'unknown' } end
if #newest == 0 or not after(key(head), wanted) then return { 'entries', head } end
local id = wanted[1] .. '-' .. wanted[2]
if #redis.call('XRANGE', KEYS[1], id, id) == 0 then
  local fields = redis.call('XRANGE', KEYS[1], '-', '+', 'COUNT', 1)[1][2]
  local prev = nil
  for i = 1, #fields, 2 do if fields[i] == 'p' then prev = key(fields[i + 1]) end end
  if prev ~= nil and after(prev, wanted) then return { 'gone', head, 'trimmed' } end
  if prev == nil or after(wanted, prev) then return { 'gone', head, 'unknown' } end
  return { 'entries', head, redis.call('XRANGE', KEYS[1], '-', '+') }
end
return { 'entries', head, redis.call('XRANGE', KEYS[1], '(' .. id, '+') }
`;

const sha = (script: string) => createHash("sha1").update(script).digest("hex");
const SCRIPTS = { publish: [PUBLISH, sha(PUBLISH)], read: [READ, sha(READ)] } as const;

/**
 * Replay logs in Redis Streams, shared by every instance of an app: each channel is a stream
 * (`XADD … MAXLEN size`, ids `ms-seq` that Redis assigns) that a client resumes from on any
 * instance, and a pub/sub channel of the same name that carries each event live to every
 * instance (appended and published by one script, so every instance sees the log's order).
 * Give it a node-redis v5 client you created; it subscribes through a `duplicate()` of it.
 * An app that uses it waits in `aex.start()` for both connections.
 *
 * @example
 * const client = createClient({ url: process.env.REDIS_URL });
 * client.on("error", (error) => console.error(error));
 * const feed = new RedisReplayStore(client, { size: 1000 });
 * class News {
 *   @sse("/news", { replay: feed })
 *   news(stream: EventStream) {}
 * }
 * await feed.publish("/news", "headline", { title: "Aex 2.0" });
 */
export class RedisReplayStore implements ReplayStore, Dependency {
  /** Milliseconds `aex.start()` waits for the first connection. */
  readonly startTimeout: number;
  private readonly prefix: string;
  private readonly size: string;
  private readonly ttlMs: string;
  private readonly timeout: number;
  private readonly subscriber: RedisReplaySubscriber;
  private readonly readiness: RedisReadiness;
  private readonly channels = new Map<string, Set<{ listener: ReplayListener; resync?: () => void }>>();
  private readonly subscribing = new Map<string, Promise<unknown>>();
  private closed = false;

  constructor(
    private readonly client: RedisReplayClient,
    options: RedisReplayStoreOptions = {},
  ) {
    this.prefix = options.prefix ?? "aex:sse:";
    this.size = String(Math.max(1, Math.floor(options.size ?? 1_000)));
    this.ttlMs = String(Math.max(1, options.ttl ?? 86_400) * 1000);
    this.timeout = options.timeout ?? 2_000;
    this.startTimeout = options.connectTimeout ?? 10_000;
    this.subscriber = client.duplicate();
    // Without a listener, a connection error would be thrown and kill the process.
    this.subscriber.on("error", () => undefined);
    let ready = false;
    this.subscriber.on("ready", () => {
      // node-redis subscribes again by itself; what was published meanwhile was missed.
      if (ready) for (const subscribers of this.channels.values()) subscribers.forEach((s) => s.resync?.());
      ready = true;
    });
    this.readiness = new RedisReadiness([client, this.subscriber]);
  }

  /** `connecting` until both connections work, then `up`, or `down` while Redis is away. */
  get connection(): DependencyState {
    return this.readiness.connection;
  }

  /** Resolves once both connections work (connecting them if nobody did). */
  ready(): Promise<void> {
    return this.readiness.ready();
  }

  async publish(channel: string, event: string, data?: unknown): Promise<string> {
    const json = typeof data === "string" ? "0" : "1";
    const id = await this.run(
      "publish",
      [this.prefix + channel],
      [this.size, oneLine(event), eventData(data), this.ttlMs, json],
    );
    if (typeof id !== "string") throw new Error("unexpected reply from the replay log's publish script");
    return id;
  }

  async read(channel: string, lastId: string | undefined): Promise<ReplayRead> {
    const reply = await this.run("read", [this.prefix + channel], [scriptId(lastId)]);
    if (!Array.isArray(reply) || typeof reply[1] !== "string") throw new Error("unexpected reply from the replay log");
    const [kind, head] = reply as [string, string];
    if (kind === "gone") return { kind, head, reason: reply[2] === "trimmed" ? "trimmed" : "unknown" };
    return { kind: "entries", head, entries: ((reply[2] ?? []) as [string, string[]][]).map(toEntry) };
  }

  async subscribe(channel: string, listener: ReplayListener, resync?: () => void): Promise<() => void> {
    await this.connected();
    const name = this.prefix + channel;
    let subscribers = this.channels.get(name);
    if (subscribers === undefined) {
      this.channels.set(name, (subscribers = new Set()));
      const all = subscribers;
      this.subscribing.set(
        name,
        this.subscriber.subscribe(name, (message) => {
          const entry = parseMessage(message);
          if (entry !== null) for (const { listener: deliver } of all) deliver(entry);
        }),
      );
    }
    const subscription = { listener, resync };
    subscribers.add(subscription);
    try {
      await this.within(this.subscribing.get(name)!);
    } catch (error) {
      this.unsubscribe(name, subscription);
      throw error;
    }
    return () => this.unsubscribe(name, subscription);
  }

  /** Closes the subscriber connection (the client you gave stays yours to close). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.channels.clear();
    // Both connections, the client given included, as a RedisStore closes its client: an app
    // that closed leaves no socket that keeps its process alive.
    await Promise.all([closeRedisClient(this.subscriber), closeRedisClient(this.client)]);
  }

  private unsubscribe(name: string, subscription: { listener: ReplayListener }): void {
    const subscribers = this.channels.get(name);
    if (subscribers === undefined || !subscribers.delete(subscription) || subscribers.size > 0) return;
    this.channels.delete(name);
    this.subscribing.delete(name);
    if (!this.closed) this.subscriber.unsubscribe(name).catch(() => undefined);
  }

  /** Waits (within `timeout`) for the first connection; after it, commands fail fast during an outage. */
  private async connected(): Promise<void> {
    if (!this.readiness.connected) await this.within(this.ready());
  }

  private async run(script: keyof typeof SCRIPTS, keys: string[], args: string[]): Promise<unknown> {
    await this.connected();
    const [source, hash] = SCRIPTS[script];
    const counts = [String(keys.length), ...keys, ...args];
    try {
      return await this.within(this.client.sendCommand(["EVALSHA", hash, ...counts]));
    } catch (error) {
      if (!String((error as Error | undefined)?.message).startsWith("NOSCRIPT")) throw error;
      return this.within(this.client.sendCommand(["EVAL", source, ...counts]));
    }
  }

  private within<T>(command: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`Redis did not answer within ${this.timeout} ms`)), this.timeout);
    });
    return Promise.race([command, late]).finally(() => clearTimeout(timer));
  }
}

/**
 * A client's id as the read script takes it: `ms-seq` in digits a Lua number holds and
 * prints back exactly (under 10^14, which Redis's ids stay under), or `-`, which the script
 * answers with `unknown`. A made-up id such as `1-123456789012345` would otherwise reach
 * `XRANGE` as `1-1.2345678901234e+14`, fail the script, and read as the log being down.
 */
function scriptId(lastId: string | undefined): string {
  if (lastId === undefined) return "";
  const key = replayKey(lastId);
  return key !== null && key[0] < 1e14 && key[1] < 1e14 ? `${key[0]}-${key[1]}` : "-";
}

function toEntry([id, fields]: [string, string[]]): ReplayEntry {
  let event = "message";
  let data = "";
  let prev = "0-0";
  let json = false;
  for (let i = 0; i < fields.length; i += 2) {
    if (fields[i] === "e") event = fields[i + 1]!;
    else if (fields[i] === "d") data = fields[i + 1]!;
    else if (fields[i] === "p") prev = fields[i + 1]!;
    else if (fields[i] === "j") json = fields[i + 1] === "1";
  }
  return { id, prev, event, data, json };
}

/** `id \n prev \n json \n event \n data` (the data may hold line breaks; the rest cannot). */
function parseMessage(message: string): ReplayEntry | null {
  const cuts: number[] = [];
  for (let at = -1, i = 0; i < 4; i++) {
    at = message.indexOf("\n", at + 1);
    if (at === -1) return null;
    cuts.push(at);
  }
  const [a, b, c, d] = cuts as [number, number, number, number];
  return {
    id: message.slice(0, a),
    prev: message.slice(a + 1, b),
    json: message.slice(b + 1, c) === "1",
    event: message.slice(c + 1, d),
    data: message.slice(d + 1),
  };
}
