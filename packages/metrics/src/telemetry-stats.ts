import { monitorEventLoopDelay, type IntervalHistogram } from "node:perf_hooks";

/** One point of the telemetry page: what happened during one interval. */
export interface TelemetrySnapshot {
  /** When the interval ended (ms since the epoch). */
  readonly time: number;
  /** Requests answered per second. */
  readonly rps: number;
  /** Median latency of the interval, in ms. */
  readonly p50: number;
  /** 90th percentile latency of the interval, in ms. */
  readonly p90: number;
  /** 99th percentile latency of the interval, in ms. */
  readonly p99: number;
  /** Share of answers with a 5xx status (0 to 1). */
  readonly errorRate: number;
  /** Requests being answered at the end of the interval. */
  readonly inFlight: number;
  /** Requests answered since the start. */
  readonly total: number;
  /** 5xx answers since the start. */
  readonly errors: number;
  /** Resident memory, in bytes. */
  readonly rss: number;
  /** Used V8 heap, in bytes. */
  readonly heapUsed: number;
  /** Mean event-loop delay over the interval, in ms. */
  readonly eventLoopLag: number;
  /** The busiest route patterns since the start. */
  readonly routes: readonly {
    /** The route pattern (`/notes/:id`). */
    route: string;
    /** Requests it answered. */
    count: number;
    /** Its 5xx answers. */
    errors: number;
  }[];
}

const HISTORY = 120;
const TOP_ROUTES = 8;

/** Counts requests and keeps the last {@link HISTORY} snapshots, one per interval. */
export class TelemetryStats {
  readonly history: TelemetrySnapshot[] = [];
  inFlight = 0;
  private total = 0;
  private errors = 0;
  private windowStart = Date.now();
  private durations: number[] = [];
  private windowErrors = 0;
  private readonly routes = new Map<string, { count: number; errors: number }>();
  private readonly lag: IntervalHistogram = monitorEventLoopDelay({ resolution: 10 });

  constructor() {
    this.lag.enable();
  }

  /** Records one answered request. */
  record(route: string, status: number, durationMs: number): void {
    this.total++;
    this.durations.push(durationMs);
    const failed = status >= 500;
    if (failed) {
      this.errors++;
      this.windowErrors++;
    }
    let counts = this.routes.get(route);
    if (counts === undefined) this.routes.set(route, (counts = { count: 0, errors: 0 }));
    counts.count++;
    if (failed) counts.errors++;
  }

  /** Closes the interval: its snapshot joins the history. */
  tick(now = Date.now()): TelemetrySnapshot {
    const seconds = Math.max((now - this.windowStart) / 1000, 0.001);
    const sorted = this.durations.sort((a, b) => a - b);
    const at = (q: number) =>
      sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
    const memory = process.memoryUsage();
    const snapshot: TelemetrySnapshot = {
      time: now,
      rps: round(sorted.length / seconds),
      p50: round(at(0.5)),
      p90: round(at(0.9)),
      p99: round(at(0.99)),
      errorRate: sorted.length === 0 ? 0 : round(this.windowErrors / sorted.length, 4),
      inFlight: this.inFlight,
      total: this.total,
      errors: this.errors,
      rss: memory.rss,
      heapUsed: memory.heapUsed,
      eventLoopLag: Number.isNaN(this.lag.mean) ? 0 : round(this.lag.mean / 1e6),
      routes: [...this.routes]
        .sort((a, b) => b[1].count - a[1].count)
        .slice(0, TOP_ROUTES)
        .map(([route, counts]) => ({ route, ...counts })),
    };
    this.lag.reset();
    this.durations = [];
    this.windowErrors = 0;
    this.windowStart = now;
    this.history.push(snapshot);
    if (this.history.length > HISTORY) this.history.shift();
    return snapshot;
  }

  stop(): void {
    this.lag.disable();
  }
}

const round = (value: number, digits = 2): number => Math.round(value * 10 ** digits) / 10 ** digits;
