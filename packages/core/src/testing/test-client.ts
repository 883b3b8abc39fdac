import { readFile } from "node:fs/promises";
import { request } from "node:http";
import { basename } from "node:path";
import type { Socket } from "node:net";
import type { Duplex } from "node:stream";
import type { AexApp } from "../registry/app-ref";
import { AexError } from "../errors/aex-error";
import { socketPair } from "./memory-socket";
import { openEventStream, type TestEventStream } from "./test-event-stream";
import { WEBSOCKET_OPENER, type TestUpgradeResponse, type WebSocketOpener } from "./test-socket";
import type { TestResponse } from "./test-response";

export type { TestResponse } from "./test-response";

type FilePart = { field: string; content: Buffer | string; filename?: string; contentType?: string; path?: string };

/**
 * One request being built: chain `.query()`, `.set()`, `.send()`/`.json()`/`.formData()`/
 * `.file()`, then `await` it (or call `.execute()`).
 */
export class TestRequest implements PromiseLike<TestResponse> {
  private readonly headers: Record<string, string> = {};
  private readonly search = new URLSearchParams();
  private body: Buffer | string | undefined;
  private fields: [string, string][] | null = null;
  private files: FilePart[] = [];

  constructor(
    private readonly client: TestClient,
    private readonly method: string,
    private readonly path: string,
  ) {}

  /** Adds query parameters. */
  query(values: Record<string, string | number | boolean | readonly (string | number | boolean)[]>): this {
    for (const [name, value] of Object.entries(values)) {
      for (const one of Array.isArray(value) ? value : [value]) this.search.append(name, String(one));
    }
    return this;
  }

  /** Sets a request header (or several). */
  set(name: string | Record<string, string>, value?: string): this {
    const entries = typeof name === "string" ? [[name, value ?? ""]] : Object.entries(name);
    for (const [key, val] of entries) this.headers[key.toLowerCase()] = val;
    return this;
  }

  /** Sends a raw body, with `contentType` if given. Objects are sent as urlencoded forms. */
  send(body: string | Buffer | Record<string, string | number | boolean>, contentType?: string): this {
    if (typeof body === "string" || Buffer.isBuffer(body)) {
      this.body = body;
    } else {
      this.body = new URLSearchParams(
        Object.entries(body).map(([k, v]): [string, string] => [k, String(v)]),
      ).toString();
      contentType ??= "application/x-www-form-urlencoded";
    }
    if (contentType) this.headers["content-type"] = contentType;
    return this;
  }

  /** Sends `data` as JSON. */
  json(data: unknown): this {
    return this.send(JSON.stringify(data), "application/json");
  }

  /** Sends multipart/form-data fields (combine with `.file()`). */
  formData(fields: Record<string, string | number | readonly (string | number)[]>): this {
    this.fields ??= [];
    for (const [name, value] of Object.entries(fields)) {
      for (const one of Array.isArray(value) ? value : [value]) this.fields.push([name, String(one)]);
    }
    return this;
  }

  /**
   * Attaches a file to a multipart body: content as a Buffer or string, or `{ path }` to
   * read one from disk.
   */
  file(
    field: string,
    content: Buffer | string | { path: string },
    options: { filename?: string; contentType?: string } = {},
  ): this {
    this.fields ??= [];
    if (typeof content === "object" && !Buffer.isBuffer(content)) {
      this.files.push({
        field,
        content: "",
        path: content.path,
        ...options,
        filename: options.filename ?? basename(content.path),
      });
    } else {
      this.files.push({ field, content, ...options });
    }
    return this;
  }

  /** Attaches several files to one field. */
  filesOf(field: string, contents: readonly (Buffer | string)[]): this {
    for (const [i, content] of contents.entries()) this.file(field, content, { filename: `${field}-${i}` });
    return this;
  }

  /** Runs the request through the app's pipeline. */
  async execute(): Promise<TestResponse> {
    if (this.fields !== null) await this.encodeMultipart();
    const search = this.search.toString();
    const path = search === "" ? this.path : `${this.path}${this.path.includes("?") ? "&" : "?"}${search}`;
    return this.client.dispatch(this.method, path, this.headers, this.body);
  }

  then<A = TestResponse, B = never>(
    onFulfilled?: ((value: TestResponse) => A | PromiseLike<A>) | null,
    onRejected?: ((reason: unknown) => B | PromiseLike<B>) | null,
  ): Promise<A | B> {
    return this.execute().then(onFulfilled, onRejected);
  }

  /** Lets the platform's FormData do the multipart encoding. */
  private async encodeMultipart(): Promise<void> {
    const form = new FormData();
    for (const [name, value] of this.fields ?? []) form.append(name, value);
    for (const part of this.files) {
      const content = part.path !== undefined ? await readFile(part.path) : part.content;
      const blob = new Blob([content], { type: part.contentType ?? "application/octet-stream" });
      form.append(part.field, blob, part.filename ?? part.field);
    }
    const encoded = new Response(form);
    // Read the header before the body: Bun (1.4) computes a FormData response's
    // content-type lazily and answers null once the body has been consumed.
    this.headers["content-type"] = encoded.headers.get("content-type") ?? "multipart/form-data";
    this.body = Buffer.from(await encoded.arrayBuffer());
  }
}

/**
 * Calls an app in-process, as Fastify's `inject` does: no port is opened, yet every
 * request goes through node's HTTP parser and the app's whole pipeline. It keeps
 * cookies between requests, like a browser.
 *
 * @example
 * const client = new TestClient(aex); // or aex.inject()
 * const res = await client.post("/login").json({ user: "ada" });
 * expect(res.status).toBe(200);
 * expect((await client.get("/me")).json()).toEqual({ user: "ada" });
 */
export class TestClient {
  /** Cookies the app has set, sent with later requests. */
  readonly cookies = new Map<string, string>();
  /**
   * Headers sent with every later request of this client, below a request's own `set()`
   * (a CSRF token read from a page, an `Authorization`). Names are lower case.
   */
  readonly headers = new Map<string, string>();

  /** @param app The app requests go to (prepared on the first one, if it is not yet). */
  constructor(private readonly app: AexApp) {}

  /** A GET request to `path` (which may carry a query string). */
  get(path: string): TestRequest {
    return new TestRequest(this, "GET", path);
  }
  /** A POST request to `path`. */
  post(path: string): TestRequest {
    return new TestRequest(this, "POST", path);
  }
  /** A PUT request to `path`. */
  put(path: string): TestRequest {
    return new TestRequest(this, "PUT", path);
  }
  /** A PATCH request to `path`. */
  patch(path: string): TestRequest {
    return new TestRequest(this, "PATCH", path);
  }
  /** A DELETE request to `path`. */
  delete(path: string): TestRequest {
    return new TestRequest(this, "DELETE", path);
  }
  /** An OPTIONS request to `path`. */
  options(path: string): TestRequest {
    return new TestRequest(this, "OPTIONS", path);
  }
  /** A HEAD request to `path` (the answer has no body). */
  head(path: string): TestRequest {
    return new TestRequest(this, "HEAD", path);
  }

  /** Any method. */
  request(method: string, path: string): TestRequest {
    return new TestRequest(this, method.toUpperCase(), path);
  }

  /**
   * Opens a WebSocket route (`@ws`, or a `WebSocketServer`'s path) in-process, through
   * the app's whole upgrade line, with this client's cookies. Resolves to the 101 with
   * its `socket`, or to the refusal (`status` 401…, `socket` null). Needs a WebSocket
   * plugin (`@aex/ws`) on the app.
   *
   * @example
   * const { status, socket } = await aex.inject().ws("/chat/1");
   * socket!.send("say", "hi");
   * expect(await socket!.next("said")).toBe("hi");
   */
  async ws(path: string, headers: Record<string, string> = {}): Promise<TestUpgradeResponse> {
    const opener = this.app.prepare().state<WebSocketOpener>(WEBSOCKET_OPENER);
    if (opener === undefined) throw new AexError("AEX_ERR_INJECT_NO_WEBSOCKET");
    const answer = await opener(this.connect(), path, this.headersFor({ host: "localhost", ...headers }));
    this.remember(answer.headers["set-cookie"]);
    return answer;
  }

  /**
   * Opens an event stream (`@sse`) in-process, with this client's cookies and, to
   * resume, a `Last-Event-ID`. Read events with `next()`; `close()` disconnects.
   *
   * @example
   * const feed = await aex.inject().sse("/feed", { lastEventId: "7" });
   * expect(await feed.next()).toEqual({ event: "tick", data: "8", id: "8" });
   */
  sse(
    path: string,
    options: { lastEventId?: string; headers?: Record<string, string> } = {},
  ): Promise<TestEventStream> {
    const headers: Record<string, string> = { host: "localhost", accept: "text/event-stream", ...options.headers };
    if (options.lastEventId !== undefined) headers["last-event-id"] = options.lastEventId;
    return openEventStream(this.connect(), path, this.headersFor(headers));
  }

  /** A fresh in-memory connection to the app's server: the client's end. */
  private connect(): Duplex {
    const server = this.app.prepare().createServer();
    const [clientSide, serverSide] = socketPair();
    server.emit("connection", serverSide);
    return clientSide;
  }

  /** `headers` plus the client's own headers and the cookies it holds. */
  private headersFor(headers: Record<string, string>): Record<string, string> {
    for (const [name, value] of this.headers) headers[name.toLowerCase()] ??= value;
    const cookie = [...this.cookies].map(([name, value]) => `${name}=${value}`).join("; ");
    if (cookie !== "" && headers.cookie === undefined) headers.cookie = cookie;
    return headers;
  }

  /** @internal Sends one request over an in-memory connection to the app's server. */
  dispatch(
    method: string,
    path: string,
    headers: Record<string, string>,
    body?: Buffer | string,
  ): Promise<TestResponse> {
    const clientSide = this.connect();
    const all = this.headersFor({ host: "localhost", connection: "close", ...headers });
    if (body !== undefined) all["content-length"] = String(Buffer.byteLength(body));
    return new Promise((resolve, reject) => {
      const req = request({ method, path, headers: all, createConnection: () => clientSide as Socket }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("error", reject);
        res.on("end", () => {
          this.remember(res.headers["set-cookie"]);
          const buffer = Buffer.concat(chunks);
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: buffer,
            text: () => buffer.toString("utf8"),
            json: <T>() => JSON.parse(buffer.toString("utf8")) as T,
          });
        });
      });
      req.on("error", reject);
      req.end(body);
    });
  }

  private remember(setCookies: string[] | undefined): void {
    for (const line of setCookies ?? []) {
      const [pair, ...attributes] = line.split(";");
      const eq = pair.indexOf("=");
      if (eq <= 0) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attributes.some((a) => /^\s*max-age=0\s*$/i.test(a)) || value === "";
      if (expired) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }
}
