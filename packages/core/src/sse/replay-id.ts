/**
 * Ids of a replay log: `ms-seq` (Redis Streams) or a counter (the memory store), compared as
 * numbers. A reconnecting client's `Last-Event-ID` is only compared once it parsed as one.
 */
export type ReplayKey = readonly [number, number];

const ID = /^(\d{1,16})(?:-(\d{1,16}))?$/;

/** The id as numbers, or null when it is not an id of a replay log. */
export function replayKey(id: string): ReplayKey | null {
  const match = ID.exec(id);
  if (match === null) return null;
  const ms = Number(match[1]);
  const seq = match[2] === undefined ? 0 : Number(match[2]);
  return Number.isSafeInteger(ms) && Number.isSafeInteger(seq) ? [ms, seq] : null;
}

/** Negative, zero or positive as `a` comes before, with or after `b`. */
export function compareKeys(a: ReplayKey, b: ReplayKey): number {
  return a[0] - b[0] || a[1] - b[1];
}
