import { SlotList, type Slotted } from "../http/slot-list";

/** One body read followed by the {@link BodyWatch}. */
export interface WatchedRead extends Slotted {
  /** Milliseconds the whole body may take (0: no limit). */
  readonly total: number;
  /** Milliseconds the body may go without a chunk (0: no limit). */
  readonly idle: number;
  /** Chunks received so far; the reader counts them. */
  chunks: number;
  /** Called once when the read takes too long (`"total"`) or stalls (`"idle"`). */
  readonly expire: (why: "total" | "idle") => void;
  /** When the watch first saw the read, and when it last saw a chunk come (sweep times). */
  started: number;
  progressed: number;
  seen: number;
}

/**
 * Finds body reads that take too long or stall, for every app of the process: one
 * sweeping interval instead of a timer per request (each `setTimeout` asks libuv for the
 * time and allocates; a Set entry does neither). Times are the sweeps' own, so a limit
 * holds to within a sweep period: a quarter of the smallest limit watched, 10 ms to 1 s.
 * The interval runs while reads come and stops after a sweep finds none; it never keeps
 * the process alive.
 */
class BodyWatch {
  private readonly reads = new SlotList<WatchedRead>();
  private timer: NodeJS.Timeout | null = null;
  private period = Infinity;

  add(read: WatchedRead): void {
    this.reads.add(read);
    const limit = Math.min(read.total || Infinity, read.idle || Infinity);
    const period = Math.min(1000, Math.max(10, Math.floor(limit / 4)));
    if (this.timer !== null && period >= this.period) return;
    if (this.timer !== null) clearInterval(this.timer);
    this.period = period;
    this.timer = setInterval(() => this.sweep(), period);
    this.timer.unref();
  }

  delete(read: WatchedRead): void {
    this.reads.delete(read);
  }

  private sweep(): void {
    if (this.reads.size === 0) {
      clearInterval(this.timer as NodeJS.Timeout);
      this.timer = null;
      this.period = Infinity;
      return;
    }
    const now = Date.now();
    this.reads.forEach((read) => {
      if (read.started === 0) {
        // First seen now: its clock starts here (at most a period late, never early).
        read.started = read.progressed = now;
        read.seen = read.chunks;
        return;
      }
      if (read.chunks !== read.seen) {
        read.seen = read.chunks;
        read.progressed = now;
      }
      const why =
        read.total > 0 && now - read.started >= read.total
          ? "total"
          : read.idle > 0 && now - read.progressed >= read.idle
            ? "idle"
            : null;
      if (why !== null) {
        this.reads.delete(read);
        read.expire(why);
      }
    });
  }
}

/** The process's one body watch. */
export const bodyWatch = new BodyWatch();
