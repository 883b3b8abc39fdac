import type { AexApp } from "../registry/app-ref";

/** What a heartbeat reaches: an open stream. */
export interface Beating {
  /** Sends the heartbeat comment. */
  beat(): void;
}

interface Group {
  readonly timer: NodeJS.Timeout;
  /** The streams of each slot; one slot beats per tick, each stream once per period. */
  readonly slots: Set<Beating>[];
  next: number;
  size: number;
}

/** Milliseconds between two slots' beats at least: a shorter period has fewer slots. */
const SLOT_MS = 100;
const MAX_SLOTS = 16;

/**
 * The heartbeats of an app's streams: one timer per period for all of them instead of one
 * per stream (issue 29: a timer and its closure were ~300 bytes of each idle stream). Streams
 * are spread over up to 16 slots that beat in turn, so 10,000 streams are not all written to
 * in one tick.
 */
export class Heartbeats {
  private readonly groups = new Map<number, Group>();

  /** Beats `stream` every `every` ms until the returned function is called. */
  add(every: number, stream: Beating): () => void {
    const group = this.groups.get(every) ?? this.start(every);
    const slot = group.slots[group.size++ % group.slots.length]!;
    slot.add(stream);
    return () => {
      if (!slot.delete(stream)) return;
      if (--group.size > 0) return;
      clearInterval(group.timer);
      this.groups.delete(every);
    };
  }

  private start(every: number): Group {
    const count = Math.max(1, Math.min(MAX_SLOTS, Math.floor(every / SLOT_MS)));
    const slots = Array.from({ length: count }, () => new Set<Beating>());
    const group: Group = {
      slots,
      next: 0,
      size: 0,
      timer: setInterval(() => {
        for (const stream of slots[group.next]!) stream.beat();
        group.next = (group.next + 1) % count;
      }, every / count),
    };
    group.timer.unref();
    this.groups.set(every, group);
    return group;
  }
}

/** The `app.state` key of an app's heartbeats. */
const HEARTBEATS = Symbol("aex.sse.heartbeats");

/** The heartbeats of `app`'s streams. */
export function heartbeatsOf(app: AexApp): Heartbeats {
  return app.state(HEARTBEATS, () => new Heartbeats());
}
