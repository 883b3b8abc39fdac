import { SlotList, type Slotted } from "./slot-list";

/** What the watchdog reads of a response in flight. */
export interface Watched extends Slotted {
  readonly writableEnded: boolean;
  readonly destroyed: boolean;
  /** A stream meant to stay open (an SSE feed). */
  readonly keepOpen: boolean;
  /** When its request arrived (ms since the epoch). */
  readonly startedAt: number;
}

/**
 * Where a response finds its app's watchdog, to leave it when it ends (http/response.ts):
 * on the prototype of the app's response class (app/app-classes.ts).
 */
export const WATCHED_BY: unique symbol = Symbol("aex.watchedBy");

/**
 * Finds responses a handler never finished. Instead of a timer per request it keeps
 * the unanswered ones in a list and sweeps it a few times per timeout period; a response
 * leaves the list when it ends (`res.end()` releases it), so a finished request is not
 * kept alive until the next sweep.
 */
export class Watchdog<T extends Watched = Watched> {
  private readonly pending = new SlotList<T>();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly timeoutMs: number,
    private readonly onTimeout: (res: T) => void,
  ) {}

  /** Starts sweeping; the timer never keeps the process alive. */
  start(): void {
    if (this.timeoutMs <= 0 || this.timer !== null) return;
    const every = Math.min(1000, Math.max(10, Math.floor(this.timeoutMs / 4)));
    this.timer = setInterval(() => this.sweep(), every);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    this.pending.clear();
  }

  /** Watches a response from the moment its request arrives. */
  watch(res: T): void {
    if (this.timer !== null) this.pending.add(res);
  }

  /** Stops watching a response that has been answered. */
  release(res: T): void {
    this.pending.delete(res);
  }

  private sweep(): void {
    const now = Date.now();
    this.pending.forEach((res) => {
      if (res.writableEnded || res.destroyed || res.keepOpen) this.pending.delete(res);
      else if (now - res.startedAt >= this.timeoutMs) {
        this.pending.delete(res);
        this.onTimeout(res);
      }
    });
  }
}
