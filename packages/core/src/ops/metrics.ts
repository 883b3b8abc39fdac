import type { Counter, Gauge, Histogram, Registry } from "prom-client";
import { AexError } from "../errors/aex-error";
import type { AexRequest } from "../http/request";
import { sentLength } from "./sent-length";
import type { AexResponse } from "../http/response";
import type { IAsyncMiddleware } from "../pipeline/types";
import { isPromise } from "../pipeline/run-line";
import { Aex, type AexServer } from "../app/aex";
import type { Scope } from "../scope/scope";

declare module "../http/request" {
  interface AexRequest {
    // Documented where AexRequest declares it (http/request.ts); repeated here for the types.
    route?: string;
  }
}

/** Options of {@link metrics}. */
export interface MetricsOptions {
  /** Where the app serves the metrics, or `false` to serve them only with `listen()`. Default `/metrics`. */
  path?: string | false;
  /** A step run before the metrics are served (auth, IP allowlist…); `false` from it refuses. */
  guard?: IAsyncMiddleware;
  /** Put in front of every metric name. Default none: `http_requests_total`… */
  prefix?: string;
  /** Request duration buckets, in seconds. */
  buckets?: readonly number[];
  /** Also collect node's process metrics: CPU, memory, heap, GC, event-loop lag. Default true. */
  processMetrics?: boolean;
  /** The prom-client registry to fill. Default a new one, this app's own. */
  registry?: Registry;
}

/** What the WebSocket server reports: `@aex/ws` (or your own code) calls these. */
export interface WebSocketMetrics {
  /** A WebSocket connection opened. */
  opened(): void;
  /** A WebSocket connection closed. */
  closed(): void;
  /** A message went `in` (from the client) or `out`. */
  message(direction: "in" | "out"): void;
}

/** The step {@link metrics} returns, with its registry and helpers. */
export interface MetricsStep extends IAsyncMiddleware {
  /** The prom-client registry: add your own metrics to it. */
  readonly registry: Registry;
  /** Counters for the WebSocket server. */
  readonly websocket: WebSocketMetrics;
  /** Serves the metrics on a port of their own (behind the guard); resolves to its server. */
  listen(port: number, host?: string): Promise<AexServer>;
  /** Stops what `listen()` started. */
  close(): Promise<void>;
}

/** The label of requests no route matched: never the raw URL, whose values are unbounded. */
export const UNMATCHED_ROUTE = "(unmatched)";
const METHODS = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);
const DEFAULT_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const SIZE_BUCKETS = [100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000];

interface Series {
  readonly count: ReturnType<Counter<string>["labels"]>;
  readonly duration: ReturnType<Histogram<string>["labels"]>;
  readonly responseSize: ReturnType<Histogram<string>["labels"]>;
  readonly requestSize: ReturnType<Histogram<string>["labels"]>;
}

interface Instruments {
  readonly requests: Counter<string>;
  readonly duration: Histogram<string>;
  readonly requestSize: Histogram<string>;
  readonly responseSize: Histogram<string>;
  readonly inFlight: Gauge;
  /** Label children by "method route status": prom-client hashes labels on every call otherwise. */
  readonly series: Map<string, Series>;
}

const STARTED = Symbol("aex.metrics.started");
const INSTRUMENTS = Symbol("aex.metrics");
type Measured = AexResponse & { [STARTED]?: number; [INSTRUMENTS]?: Instruments };

/**
 * Prometheus metrics with prom-client: requests by method, route pattern and status
 * (`http_requests_total`, `http_request_duration_seconds`), requests in flight, body
 * sizes, WebSocket connections and messages, and node's process metrics (CPU, memory,
 * event-loop lag). prom-client is loaded only when this is called: an app without
 * metrics pays nothing. Served at `/metrics` by the app, or on a port of its own.
 *
 * @example
 * const aex = new Aex();
 * aex.use(metrics({ guard: (req, res) => req.get("authorization") === "Bearer s3cret" || res.status(401).end() && false }));
 */
export function metrics(options: MetricsOptions = {}): MetricsStep {
  // Required here, not imported at the top: prom-client loads only for apps that use metrics.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const prom = require("prom-client") as typeof import("prom-client");
  const { path = "/metrics", guard, prefix = "", processMetrics = true } = options;
  if (path !== false && (typeof path !== "string" || !path.startsWith("/"))) {
    throw new AexError("AEX_ERR_METRICS_OPTIONS", `path must start with "/" or be false, not ${String(path)}`);
  }
  if (guard !== undefined && typeof guard !== "function") {
    throw new AexError("AEX_ERR_METRICS_OPTIONS", "guard must be a step function");
  }
  const buckets = [...(options.buckets ?? DEFAULT_BUCKETS)];
  if (buckets.some((b) => typeof b !== "number" || !(b > 0))) {
    throw new AexError("AEX_ERR_METRICS_OPTIONS", "buckets must be positive numbers");
  }
  const registry = options.registry ?? new prom.Registry();
  if (processMetrics) prom.collectDefaultMetrics({ register: registry, prefix });
  const labelNames = ["method", "route", "status_code"];
  const instruments: Instruments = {
    requests: new prom.Counter({
      name: `${prefix}http_requests_total`,
      help: "HTTP requests answered, by method, route pattern and status",
      labelNames,
      registers: [registry],
    }),
    duration: new prom.Histogram({
      name: `${prefix}http_request_duration_seconds`,
      help: "Time from the request's arrival to the end of its response",
      labelNames,
      buckets,
      registers: [registry],
    }),
    requestSize: new prom.Histogram({
      name: `${prefix}http_request_size_bytes`,
      help: "Request bodies, by their Content-Length",
      labelNames,
      buckets: SIZE_BUCKETS,
      registers: [registry],
    }),
    responseSize: new prom.Histogram({
      name: `${prefix}http_response_size_bytes`,
      help: "Response bodies with a Content-Length (chunked ones are not counted)",
      labelNames,
      buckets: SIZE_BUCKETS,
      registers: [registry],
    }),
    inFlight: new prom.Gauge({
      name: `${prefix}http_requests_in_flight`,
      help: "Requests being answered now",
      registers: [registry],
    }),
    series: new Map(),
  };
  const connections = new prom.Gauge({
    name: `${prefix}websocket_connections`,
    help: "Open WebSocket connections",
    registers: [registry],
  });
  const messages = new prom.Counter({
    name: `${prefix}websocket_messages_total`,
    help: "WebSocket messages, by direction (in: from clients)",
    labelNames: ["direction"],
    registers: [registry],
  });

  const serve: IAsyncMiddleware = (req, res, scope) => {
    if (guard === undefined) return answer(res);
    const allowed = guard(req, res, scope);
    if (isPromise(allowed)) return allowed.then((ok) => (ok === false || res.answered ? false : answer(res)));
    return allowed === false || res.answered ? false : answer(res);
  };
  const answer = (res: AexResponse): Promise<false> =>
    registry.metrics().then((text) => {
      res.writeHead(200, { "content-type": registry.contentType }).end(text);
      return false as const;
    });

  let own: Aex | null = null;
  const step = ((req: AexRequest, res: AexResponse, scope: Scope) => {
    if (path !== false && req.method === "GET" && req.url === path) return serve(req, res, scope);
    measure(res as Measured, instruments);
    return undefined;
  }) as MetricsStep;
  Object.assign(step, {
    registry,
    websocket: {
      opened: () => connections.inc(),
      closed: () => connections.dec(),
      message: (direction: "in" | "out") => messages.labels(direction).inc(),
    },
    async listen(port: number, host = "localhost"): Promise<AexServer> {
      // A small app of its own, so the guard and error answers work as in any Aex app.
      own = new Aex().use((req, res, scope) => serve(req, res, scope));
      return own.start(port, host);
    },
    async close(): Promise<void> {
      await own?.close();
      own = null;
    },
  });
  return step;
}

/** Counts a request in flight and has its response report when it closes (no closure per request). */
function measure(res: Measured, instruments: Instruments): void {
  instruments.inFlight.inc();
  res[STARTED] = performance.now();
  res[INSTRUMENTS] = instruments;
  res.on("close", record);
}

function record(this: Measured): void {
  const instruments = this[INSTRUMENTS]!;
  instruments.inFlight.dec();
  const req = this.req;
  const method = METHODS.has(req.method ?? "") ? req.method! : "OTHER";
  const route = req.route ?? UNMATCHED_ROUTE;
  // A client that left before the end gets its own status label: no status was sent.
  const status = this.writableFinished ? String(this.statusCode) : "aborted";
  const key = `${method} ${route} ${status}`;
  let series = instruments.series.get(key);
  if (series === undefined) {
    series = {
      count: instruments.requests.labels(method, route, status),
      duration: instruments.duration.labels(method, route, status),
      requestSize: instruments.requestSize.labels(method, route, status),
      responseSize: instruments.responseSize.labels(method, route, status),
    };
    instruments.series.set(key, series);
  }
  series.count.inc();
  series.duration.observe((performance.now() - this[STARTED]!) / 1000);
  const received = Number(req.headers["content-length"]);
  if (received > 0) series.requestSize.observe(received);
  const sent = sentLength(this);
  if (sent >= 0) series.responseSize.observe(sent);
}
