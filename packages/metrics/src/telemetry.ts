import type { AexPlugin, AexRequest, AexResponse, IAsyncMiddleware, Scope } from "@aex/core";
import { isPromise } from "@aex/core/plugin";
import { metricsSetupError } from "./errors";
import { telemetryPage } from "./telemetry-page";
import { TelemetryStats, type TelemetrySnapshot } from "./telemetry-stats";

export type { TelemetrySnapshot } from "./telemetry-stats";

/** Options of {@link telemetry}. */
export interface TelemetryOptions {
  /** Where the page is served; its data at `<path>/stream` (SSE) and `<path>/data` (JSON). Default `/telemetry`. */
  path?: string;
  /** A step run before the page and its data are served; `false` from it refuses. */
  guard?: IAsyncMiddleware;
  /** Milliseconds per point on the charts. Default 1000. */
  interval?: number;
  /** The page's title. Default "Aex telemetry". */
  title?: string;
}

/** The plugin {@link telemetry} returns (`aex.register(plugin)`). */
export interface TelemetryPlugin extends AexPlugin {
  /** The points so far, oldest first (at most 120). */
  readonly history: readonly TelemetrySnapshot[];
  /** Ends the live streams and stops sampling (the app does it when it closes). */
  close(): void;
}

const STARTED = Symbol("aex.telemetry.started");
type Measured = AexResponse & { [STARTED]?: number };

/**
 * A live telemetry page: requests per second, latency percentiles, error rate, busiest
 * routes, memory and event-loop lag, drawn as charts that update every second over
 * Server-Sent Events. Opt-in, self-contained (no CDN), behind the guard of your choice. A
 * plugin: requests are recorded when their answer is over (the response phase's
 * `onResponse`), and its live streams end when the app closes.
 *
 * @example
 * const aex = new Aex();
 * aex.register(telemetry({ guard: adminsOnly }));
 * // open http://localhost:3000/telemetry
 */
export function telemetry(options: TelemetryOptions = {}): TelemetryPlugin {
  const { path = "/telemetry", guard, interval = 1000, title = "Aex telemetry" } = options;
  if (typeof path !== "string" || !path.startsWith("/") || path.endsWith("/")) {
    throw metricsSetupError(
      "AEX_ERR_TELEMETRY_OPTIONS",
      `path must start with "/" and not end with one: ${String(path)}`,
    );
  }
  if (guard !== undefined && typeof guard !== "function") {
    throw metricsSetupError("AEX_ERR_TELEMETRY_OPTIONS", "guard must be a step function");
  }
  if (!Number.isInteger(interval) || interval < 50) {
    throw metricsSetupError("AEX_ERR_TELEMETRY_OPTIONS", `interval must be an integer ≥ 50 ms, not ${interval}`);
  }
  const stats = new TelemetryStats();
  // The page's one inline script carries this response's CSP nonce (the default policy
  // allows no other inline script).
  const [pageHead, pageTail] = telemetryPage(title, `${path}/stream`, interval).split("<script>");
  const streams = new Set<AexResponse>();
  const timer = setInterval(() => {
    const line = `data: ${JSON.stringify(stats.tick())}\n\n`;
    for (const res of streams) res.write(line);
  }, interval);
  timer.unref();

  const answer = (req: AexRequest, res: AexResponse): false => {
    if (req.url === path) {
      const nonce = res.nonce; // read before the head goes out: it adds itself to the CSP
      res
        .writeHead(200, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" })
        .end(`${pageHead}<script nonce="${nonce}">${pageTail}`);
    } else if (req.url === `${path}/data`) {
      res.json({ history: stats.history });
    } else {
      res.writeHead(200, {
        "content-type": "text/event-stream",
        "cache-control": "no-store",
        "x-accel-buffering": "no",
      });
      // The history first, so the charts are full as soon as the page opens.
      res.write(`event: history\ndata: ${JSON.stringify(stats.history)}\n\n`);
      streams.add(res);
      res.on("close", () => streams.delete(res));
    }
    return false;
  };

  const step: IAsyncMiddleware = (req: AexRequest, res: AexResponse, scope: Scope) => {
    const url = req.url ?? "";
    if (
      req.method === "GET" &&
      url.startsWith(path) &&
      (url === path || url === `${path}/stream` || url === `${path}/data`)
    ) {
      if (guard === undefined) return answer(req, res);
      const allowed = guard(req, res, scope);
      if (isPromise(allowed)) return allowed.then((ok) => (ok === false || res.answered ? false : answer(req, res)));
      return allowed === false || res.answered ? false : answer(req, res);
    }
    stats.inFlight++;
    (res as Measured)[STARTED] = performance.now();
    return undefined;
  };
  const close = (): void => {
    clearInterval(timer);
    stats.stop();
    for (const res of streams) res.end();
    streams.clear();
  };
  return {
    name: "telemetry",
    setup(app) {
      app.use(step);
      app.addResponseHooks({ onResponse: (req, res) => record(req, res as Measured, stats) });
      // The live streams end as soon as the app stops accepting, or draining waits for them.
      app.onClose(close, { phase: "connections" });
    },
    get history() {
      return stats.history;
    },
    close,
  };
}

function record(req: AexRequest, res: Measured, stats: TelemetryStats): void {
  const started = res[STARTED];
  if (started === undefined) return;
  stats.inFlight--;
  stats.record(req.route ?? "(unmatched)", res.writableFinished ? res.statusCode : 499, performance.now() - started);
}
