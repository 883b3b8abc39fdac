import { send } from "./clients";
import { pause } from "./processes";

/** One request of a steady load, its times in ms since the load started. */
export interface Sample {
  worker: number;
  start: number;
  end: number;
  status?: number;
  instance?: string;
  user?: string;
  code?: string;
  retryAfter?: string;
  /** Set when no answer came: a network error or the client's timeout (a hang). */
  error?: string;
}

/** What a fault did to the load, as the lead reports it. */
export interface LoadReport {
  sent: number;
  /** Requests that got an HTTP answer (any status). */
  answered: number;
  /** Answers with a 2xx status. */
  ok: number;
  /** 503 answers carrying Retry-After. */
  retryLater: number;
  /** Requests with no answer (network error or timeout). */
  unanswered: number;
  /** The longest time a client went without a 2xx answer, in ms. */
  longestGapMs: number;
  /** The slowest single request, in ms. */
  slowestMs: number;
}

/**
 * Workers that each send `GET path` with a session cookie through the load balancer, one
 * request after the other with a short pause: a bounded, steady load to break things under.
 */
export class SteadyLoad {
  readonly samples: Sample[] = [];
  readonly startedAt = Date.now();
  private stopped = false;
  private readonly running: Promise<void>[];

  constructor(
    base: string,
    path: string,
    cookie: string,
    options: { workers?: number; pauseMs?: number; maxPerWorker?: number; timeoutMs?: number } = {},
  ) {
    const { workers = 3, pauseMs = 10, maxPerWorker = 1_000, timeoutMs = 3_000 } = options;
    this.running = Array.from({ length: workers }, async (_, worker) => {
      for (let n = 0; n < maxPerWorker && !this.stopped; n++) {
        const sample: Sample = { worker, start: this.now(), end: 0 };
        try {
          const answer = await send(base, "GET", path, { cookie, timeoutMs });
          Object.assign(sample, {
            status: answer.status,
            instance: answer.instance,
            retryAfter: answer.headers["retry-after"],
          });
          const type = String(answer.headers["content-type"]);
          if (type.includes("json")) {
            const body = answer.json<{ user?: string; code?: string }>();
            sample.user = body.user;
            sample.code = body.code;
          }
        } catch (error) {
          sample.error = (error as Error).message;
        }
        sample.end = this.now();
        this.samples.push(sample);
        await pause(pauseMs);
      }
    });
  }

  now(): number {
    return Date.now() - this.startedAt;
  }

  /** Resolves once `count` more requests have been answered or failed (bounded by the workers' cap). */
  async after(count: number, withinMs = 10_000): Promise<void> {
    const target = this.samples.length + count;
    const deadline = Date.now() + withinMs;
    while (this.samples.length < target && Date.now() < deadline) await pause(20);
  }

  async stop(): Promise<Sample[]> {
    this.stopped = true;
    await Promise.all(this.running);
    return this.samples;
  }
}

/** Counts a load's samples and the longest stretch any worker went without a 2xx. */
export function report(samples: readonly Sample[]): LoadReport {
  const ok = (s: Sample) => s.status !== undefined && s.status >= 200 && s.status < 300;
  let longestGapMs = 0;
  for (const worker of new Set(samples.map((s) => s.worker))) {
    let last = 0;
    for (const sample of samples.filter((s) => s.worker === worker && ok(s))) {
      longestGapMs = Math.max(longestGapMs, sample.end - last);
      last = sample.end;
    }
  }
  return {
    sent: samples.length,
    answered: samples.filter((s) => s.status !== undefined).length,
    ok: samples.filter(ok).length,
    retryLater: samples.filter((s) => s.status === 503 && s.retryAfter !== undefined).length,
    unanswered: samples.filter((s) => s.error !== undefined).length,
    longestGapMs,
    slowestMs: Math.max(0, ...samples.map((s) => s.end - s.start)),
  };
}
