import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import {
  Aex,
  type AexPlugin,
  type AexRequest,
  type AexResponse,
  type AexBunServer,
  type AexServer,
  type IAsyncMiddleware,
  type Scope,
} from "@aex/core";
import { isPromise, sentLength } from "@aex/core/plugin";
import { metricsSetupError } from "./errors";

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

/** The plugin {@link metrics} returns (`aex.register(plugin)`), with its registry and helpers. */
export interface MetricsPlugin extends AexPlugin {
  /** The prom-client registry: add your own metrics to it. */
  readonly registry: Registry;
  /** Counters for the WebSocket server. */
  readonly websocket: WebSocketMetrics;
  /** Serves the metrics on a port of their own (behind the guard); resolves to its server. */
  listen(port: number, host?: string): Promise<AexServer | AexBunServer>;
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
type Measured = AexResponse & { [STARTED]?: number };

/**
 * Prometheus metrics with prom-client: requests by method, route pattern and status
 * (`http_requests_total`, `http_request_duration_seconds`), requests in flight, body
 * sizes, WebSocket connections and messages, and node's process metrics (CPU, memory,
 * event-loop lag). A plugin: each request is counted when its answer is over (the
 * response phase's `onResponse`). Served at `/metrics` by the app, or on a port of its own.
 *
 * @example
 * const aex = new Aex();
 * aex.register(metrics({ guard: (req, res) => req.get("authorization") === "Bearer s3cret" || res.status(401).end() && false }));
 */
export function metrics(options: MetricsOptions = {}): MetricsPlugin {
  const { path = "/metrics", guard, prefix = "", processMetrics = true } = options;
  if (path !== false && (typeof path !== "string" || !path.startsWith("/"))) {
    throw metricsSetupError("AEX_ERR_METRICS_OPTIONS", `path must start with "/" or be false, not ${String(path)}`);
  }
  if (guard !== undefined && typeof guard !== "function") {
    throw metricsSetupError("AEX_ERR_METRICS_OPTIONS", "guard must be a step function");
  }
  const buckets = [...(options.buckets ?? DEFAULT_BUCKETS)];
  if (buckets.some((b) => typeof b !== "number" || !(b > 0))) {
    throw metricsSetupError("AEX_ERR_METRICS_OPTIONS", "buckets must be positive numbers");
  }
  const registry = options.registry ?? new Registry();
  if (processMetrics) collectDefaultMetrics({ register: registry, prefix });
  const labelNames = ["method", "route", "status_code"];
  const instruments: Instruments = {
    requests: new Counter({
      name: `${prefix}http_requests_total`,
      help: "HTTP requests answered, by method, route pattern and status",
      labelNames,
      registers: [registry],
    }),
    duration: new Histogram({
      name: `${prefix}http_request_duration_seconds`,
      help: "Time from the request's arrival to the end of its response",
      labelNames,
      buckets,
      registers: [registry],
    }),
    requestSize: new Histogram({
      name: `${prefix}http_request_size_bytes`,
      help: "Request bodies, by their Content-Length",
      labelNames,
      buckets: SIZE_BUCKETS,
      registers: [registry],
    }),
    responseSize: new Histogram({
      name: `${prefix}http_response_size_bytes`,
      help: "Response bodies with a Content-Length (chunked ones are not counted)",
      labelNames,
      buckets: SIZE_BUCKETS,
      registers: [registry],
    }),
    inFlight: new Gauge({
      name: `${prefix}http_requests_in_flight`,
      help: "Requests being answered now",
      registers: [registry],
    }),
    series: new Map(),
  };
  const connections = new Gauge({
    name: `${prefix}websocket_connections`,
    help: "Open WebSocket connections",
    registers: [registry],
  });
  const messages = new Counter({
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
  // Counts a request in flight; it is recorded when its answer is over (onResponse).
  const step = (req: AexRequest, res: AexResponse, scope: Scope) => {
    if (path !== false && req.method === "GET" && req.url === path) return serve(req, res, scope);
    instruments.inFlight.inc();
    (res as Measured)[STARTED] = performance.now();
    return undefined;
  };

  let own: Aex | null = null;
  const plugin: MetricsPlugin = {
    name: "metrics",
    setup(app) {
      app.use(step);
      app.addResponseHooks({ onResponse: (req, res) => record(req, res as Measured, instruments) });
      app.onClose(() => plugin.close());
    },
    registry,
    websocket: {
      opened: () => connections.inc(),
      closed: () => connections.dec(),
      message: (direction: "in" | "out") => messages.labels(direction).inc(),
    },
    async listen(port: number, host = "localhost"): Promise<AexServer | AexBunServer> {
      // A small app of its own, so the guard and error answers work as in any Aex app.
      own = new Aex().use((req, res, scope) => serve(req, res, scope));
      return own.start(port, host);
    },
    async close(): Promise<void> {
      await own?.close();
      own = null;
    },
  };
  return plugin;
}

function record(req: AexRequest, res: Measured, instruments: Instruments): void {
  const started = res[STARTED];
  // Not counted in flight (the metrics' own page, a request refused before the line).
  if (started === undefined) return;
  instruments.inFlight.dec();
  const method = METHODS.has(req.method ?? "") ? req.method! : "OTHER";
  const route = req.route ?? UNMATCHED_ROUTE;
  // A client that left before the end gets its own status label: no status was sent.
  const status = res.writableFinished ? String(res.statusCode) : "aborted";
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
  series.duration.observe((performance.now() - started) / 1000);
  const received = Number(req.headers["content-length"]);
  if (received > 0) series.requestSize.observe(received);
  const sent = sentLength(res);
  if (sent >= 0) series.responseSize.observe(sent);
}
