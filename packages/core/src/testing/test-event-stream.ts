import { request, type IncomingHttpHeaders } from "node:http";
import type { Socket } from "node:net";
import type { Duplex } from "node:stream";

/** One event of a `text/event-stream`, as a browser's EventSource sees it. */
export interface TestEvent {
  /** The event's name (`message` when it had none). */
  readonly event: string;
  /** The event's data, lines joined with `\n`. */
  readonly data: string;
  /** The event's id, if it had one. */
  readonly id?: string;
}

/** An event stream opened by `aex.inject().sse(path)`. */
export interface TestEventStream {
  /** The HTTP status (200 for an open stream). */
  readonly status: number;
  /** The response headers, names in lower case. */
  readonly headers: IncomingHttpHeaders;
  /** The next event not yet taken (comments such as heartbeats are skipped). */
  next(): Promise<TestEvent>;
  /** The next comment line not yet taken (heartbeats are comments). */
  nextComment(): Promise<string>;
  /** Disconnects, as a closing browser tab does. */
  close(): void;
  /** Resolves when the stream ended (the server ended it, or `close()`). */
  readonly ended: Promise<void>;
  /** The body, for a stream that was refused (status not 200). */
  text(): Promise<string>;
}

/** Opens `path` over `connection` and parses its events as they arrive. */
export function openEventStream(
  connection: Duplex,
  path: string,
  headers: Record<string, string>,
): Promise<TestEventStream> {
  return new Promise((resolve, reject) => {
    const req = request({ method: "GET", path, headers, createConnection: () => connection as Socket }, (res) => {
      const events: TestEvent[] = [];
      const waiters: ((event: TestEvent) => void)[] = [];
      const comments: string[] = [];
      const commentWaiters: ((comment: string) => void)[] = [];
      let buffer = "";
      let raw = "";
      const ended = new Promise<void>((done) => res.once("close", () => done()));
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        raw += chunk;
        buffer += chunk.replace(/\r\n?/g, "\n");
        let end: number;
        while ((end = buffer.indexOf("\n\n")) !== -1) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event = parseBlock(block);
          if (event === null) continue;
          if (typeof event === "string") (commentWaiters.shift() ?? ((c: string) => comments.push(c)))(event);
          else (waiters.shift() ?? ((e: TestEvent) => events.push(e)))(event);
        }
      });
      res.on("error", () => undefined);
      resolve({
        status: res.statusCode ?? 0,
        headers: res.headers,
        nextComment: () => {
          const comment = comments.shift();
          return comment !== undefined ? Promise.resolve(comment) : new Promise((wake) => commentWaiters.push(wake));
        },
        next: () => {
          const event = events.shift();
          return event !== undefined ? Promise.resolve(event) : new Promise((wake) => waiters.push(wake));
        },
        close: () => {
          req.destroy();
          connection.destroy();
        },
        ended,
        text: () => ended.then(() => raw),
      });
    });
    req.on("error", reject);
    req.end();
  });
}

/**
 * One block of lines: an event, the text of a block of comments only, or null for a block
 * with fields but no `data` (an `id:` or `retry:` alone), which a browser does not dispatch
 * (WHATWG HTML §9.2.6).
 */
function parseBlock(block: string): TestEvent | string | null {
  let event = "message";
  let id: string | undefined;
  const data: string[] = [];
  let any = false;
  for (const line of block.split("\n")) {
    if (line === "" || line.startsWith(":")) continue;
    const colon = line.indexOf(":");
    const field = colon === -1 ? line : line.slice(0, colon);
    const value = colon === -1 ? "" : line.slice(colon + 1).replace(/^ /, "");
    any = true;
    if (field === "event") event = value;
    else if (field === "data") data.push(value);
    else if (field === "id") id = value;
  }
  if (!any) return block.replace(/^: ?/gm, "");
  if (data.length === 0) return null;
  return id === undefined ? { event, data: data.join("\n") } : { event, data: data.join("\n"), id };
}
