import { request, type ClientRequest, type IncomingHttpHeaders } from "node:http";

/** An answer as the scale-out test reads it. */
export interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  /** The `X-Instance` header: which instance answered (HAProxy lowercases header names). */
  instance: string | undefined;
  json<T = Record<string, unknown>>(): T;
}

/**
 * One HTTP request over a fresh connection (as a browser behind a load balancer may open
 * one). Rejects on a network error, and after `timeoutMs` without an answer: a hang is a
 * failure, never a wait.
 */
export function send(
  base: string,
  method: string,
  path: string,
  options: { cookie?: string; json?: unknown; timeoutMs?: number } = {},
): Promise<Answer> {
  const url = new URL(path, base);
  const body = options.json === undefined ? undefined : JSON.stringify(options.json);
  const headers: Record<string, string> = {};
  if (options.cookie !== undefined) headers.cookie = options.cookie;
  if (body !== undefined) headers["content-type"] = "application/json";
  return new Promise((resolve, reject) => {
    const req = request(
      { host: url.hostname, port: url.port, method, path: url.pathname + url.search, headers, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("error", reject);
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          const instance = res.headers["x-instance"];
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            text,
            instance: typeof instance === "string" ? instance : undefined,
            json: <T>() => JSON.parse(text) as T,
          });
        });
      },
    );
    req.setTimeout(options.timeoutMs ?? 5_000, () =>
      req.destroy(new Error(`no answer within ${options.timeoutMs ?? 5_000} ms`)),
    );
    req.on("error", reject);
    req.end(body);
  });
}

/** The `name=value` of the session cookie an answer sets (undefined when it sets none). */
export function sessionCookie(answer: Answer, name = "aex.sid"): string | undefined {
  const lines = answer.headers["set-cookie"] ?? [];
  const line = lines.find((l) => l.startsWith(`${name}=`));
  return line?.split(";")[0];
}

/** Logs `user` in through `base`; resolves to its session cookie. */
export async function login(base: string, user: string): Promise<string> {
  const answer = await send(base, "POST", "/login", { json: { user } });
  const cookie = sessionCookie(answer);
  if (answer.status !== 200 || cookie === undefined) throw new Error(`login ${user}: ${answer.status} ${answer.text}`);
  return cookie;
}

/** One event of a stream, as a browser's EventSource dispatches it. */
export interface StreamEvent {
  event: string;
  data: string;
  /** The event's id, when it had one. */
  id?: string;
}

/** Options of an {@link EventSource}. */
export interface EventSourceOptions {
  /** Sent as `Last-Event-ID`: resume after it. */
  lastEventId?: string;
  /** Called with each event as it is parsed. */
  onEvent?: (event: StreamEvent) => void;
  /** Called once when the stream ends, whoever ended it. */
  onEnd?: () => void;
}

/** A Server-Sent Events subscriber: parses events as they arrive (one connection). */
export class EventSource {
  readonly events: StreamEvent[] = [];
  readonly opened: Promise<Answer>;
  /** The last id the stream gave (an `id:` line, with or without data), as a browser keeps it. */
  lastEventId: string | undefined;
  private readonly req: ClientRequest;
  private readonly waiters = new Set<() => void>();
  private ended = false;

  constructor(
    base: string,
    path: string,
    private readonly options: EventSourceOptions = {},
  ) {
    const url = new URL(path, base);
    this.lastEventId = options.lastEventId;
    let opened!: (answer: Answer) => void;
    let failed!: (error: Error) => void;
    this.opened = new Promise((resolve, reject) => {
      opened = resolve;
      failed = reject;
    });
    let buffer = "";
    const headers: Record<string, string> = { accept: "text/event-stream" };
    if (options.lastEventId !== undefined) headers["last-event-id"] = options.lastEventId;
    this.req = request({ host: url.hostname, port: url.port, path: url.pathname, headers, agent: false }, (res) => {
      const instance = res.headers["x-instance"];
      opened({
        status: res.statusCode ?? 0,
        headers: res.headers,
        text: "",
        instance: typeof instance === "string" ? instance : undefined,
        json: <T>() => ({}) as T,
      });
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        buffer += chunk;
        for (let end = buffer.indexOf("\n\n"); end !== -1; end = buffer.indexOf("\n\n")) {
          this.parse(buffer.slice(0, end));
          buffer = buffer.slice(end + 2);
        }
      });
      res.on("error", () => this.end());
      res.on("close", () => this.end());
    });
    this.req.on("error", (error) => {
      this.end();
      failed(error);
    });
    this.req.end();
  }

  /** Whether the stream ended. */
  get done(): boolean {
    return this.ended;
  }

  private parse(block: string): void {
    let event = "message";
    let id: string | undefined;
    const data: string[] = [];
    for (const line of block.split("\n")) {
      if (line.startsWith("event: ")) event = line.slice(7);
      else if (line.startsWith("data: ")) data.push(line.slice(6));
      else if (line.startsWith("id: ")) id = line.slice(4);
    }
    // WHATWG HTML 9.2.6: an id without data sets the last event id, nothing is dispatched.
    if (id !== undefined) this.lastEventId = id;
    if (data.length === 0) return; // a comment (heartbeat) or a cursor
    const parsed: StreamEvent =
      id === undefined ? { event, data: data.join("\n") } : { event, data: data.join("\n"), id };
    this.events.push(parsed);
    this.options.onEvent?.(parsed);
    for (const wake of this.waiters) wake();
  }

  private end(): void {
    if (this.ended) return;
    this.ended = true;
    for (const wake of this.waiters) wake();
    this.options.onEnd?.();
  }

  /** The data (as JSON) of the next event named `event` not yet taken, within `withinMs`. */
  next<T = Record<string, unknown>>(event: string, withinMs = 5_000): Promise<T> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const index = this.events.findIndex((e) => e.event === event);
        if (index !== -1) {
          done();
          resolve(JSON.parse(this.events.splice(index, 1)[0]!.data) as T);
        } else if (this.ended) {
          done();
          reject(new Error(`the stream ended before a "${event}" event`));
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`no "${event}" event within ${withinMs} ms`));
      }, withinMs);
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(check);
      };
      this.waiters.add(check);
      check();
    });
  }

  close(): void {
    this.req.destroy();
  }
}

/**
 * A stream that reconnects as a browser's EventSource does: when its connection ends, it
 * opens a new one (through the balancer, to whichever instance) after `retryMs`, sending the
 * last id it saw as `Last-Event-ID`. Keeps every event of every connection, in order.
 */
export class ResumingEventSource {
  /** Every event received, over all connections, in order. */
  readonly events: StreamEvent[] = [];
  /** The instance that answered each connection, in order. */
  readonly instances: string[] = [];
  private current: EventSource | null = null;
  private closed = false;
  private lastEventId: string | undefined;
  private readonly waiters = new Set<() => void>();

  constructor(
    private readonly base: string,
    private readonly path: string,
    private readonly retryMs = 100,
  ) {
    this.connect();
  }

  /** The number of connections opened so far. */
  get connections(): number {
    return this.instances.length;
  }

  private connect(): void {
    if (this.closed) return;
    const source = new EventSource(this.base, this.path, {
      lastEventId: this.lastEventId,
      onEvent: (event) => {
        this.events.push(event);
        this.wake();
      },
      onEnd: () => {
        this.lastEventId = source.lastEventId;
        if (!this.closed) setTimeout(() => this.connect(), this.retryMs);
        this.wake();
      },
    });
    this.current = source;
    source.opened.then(
      (answer) => {
        this.instances.push(answer.instance ?? "?");
        this.wake();
      },
      () => undefined,
    );
  }

  private wake(): void {
    for (const wake of this.waiters) wake();
  }

  /** Resolves once `check` holds, within `withinMs`. */
  until(what: string, check: () => boolean, withinMs = 10_000): Promise<void> {
    return new Promise((resolve, reject) => {
      const test = () => {
        if (!check()) return;
        done();
        resolve();
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`${what}: not within ${withinMs} ms`));
      }, withinMs);
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(test);
      };
      this.waiters.add(test);
      test();
    });
  }

  close(): void {
    this.closed = true;
    this.current?.close();
  }
}
