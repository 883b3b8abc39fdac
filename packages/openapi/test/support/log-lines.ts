import { Writable } from "node:stream";
import pino, { type Logger } from "pino";

/** A log line as pino writes it. */
export type LogLine = Record<string, unknown> & { level: number; msg?: string };

/**
 * A real pino logger writing into memory, and the lines it wrote (parsed). Tests read
 * what an app logs through pino's own destination stream, no mocks.
 */
export function memoryLogger(level = "info"): { logger: Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString("utf8").split("\n")) if (line !== "") lines.push(JSON.parse(line) as LogLine);
      done();
    },
  });
  return { logger: pino({ level }, stream), lines };
}

/** Waits until `lines` holds one that `match` accepts (pino writes asynchronously). */
export async function lineWhere(lines: LogLine[], match: (line: LogLine) => boolean): Promise<LogLine> {
  for (;;) {
    const found = lines.find(match);
    if (found !== undefined) return found;
    await new Promise((resolve) => setImmediate(resolve));
  }
}
