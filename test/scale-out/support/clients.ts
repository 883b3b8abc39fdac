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

/** A Server-Sent Events subscriber: parses events as they arrive. */
export class EventSource {
  readonly events: { event: string; data: string }[] = [];
  readonly opened: Promise<Answer>;
  private readonly req: ClientRequest;
  private readonly waiters = new Set<() => void>();
  private ended = false;

  constructor(base: string, path: string) {
    const url = new URL(path, base);
    let opened!: (answer: Answer) => void;
    let failed!: (error: Error) => void;
    this.opened = new Promise((resolve, reject) => {
      opened = resolve;
      failed = reject;
    });
    let buffer = "";
    this.req = request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        headers: { accept: "text/event-stream" },
        agent: false,
      },
      (res) => {
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
        res.on("close", () => this.end());
      },
    );
    this.req.on("error", (error) => {
      this.end();
      failed(error);
    });
    this.req.end();
  }

  private parse(block: string): void {
    let event = "message";
    const data: string[] = [];
    for (const line of block.split("\n")) {
      if (line.startsWith("event: ")) event = line.slice(7);
      else if (line.startsWith("data: ")) data.push(line.slice(6));
    }
    if (data.length === 0) return; // a comment (heartbeat)
    this.events.push({ event, data: data.join("\n") });
    for (const wake of this.waiters) wake();
  }

  private end(): void {
    this.ended = true;
    for (const wake of this.waiters) wake();
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
