import { createRequire } from "node:module";
import pino, { type Logger, type LoggerOptions } from "pino";

/** What `new Aex({ logger })` accepts: on/off, pino options, or your own pino logger. */
export type LoggerOption = boolean | LoggerOptions | Logger;

/** The logger type of `app.log` and `scope.log` (pino's). */
export type AexLogger = Logger;

function isLogger(value: LoggerOption): value is Logger {
  return typeof value === "object" && typeof (value as Partial<Logger>).child === "function";
}

/** Whether the optional `pino-pretty` package can be loaded from the app. */
function prettyInstalled(): boolean {
  try {
    createRequire(`${process.cwd()}/`).resolve("pino-pretty");
    return true;
  } catch {
    return false;
  }
}

/**
 * Makes the app's logger. `false` gives a disabled pino logger (its methods do
 * nothing), so callers never test for a missing logger. In development, output is
 * pretty when `pino-pretty` is installed; otherwise it is pino's JSON lines.
 *
 * @example
 * const log = createLogger({ level: "debug" }, "info", false);
 * log.info({ port: 3000 }, "listening");
 */
export function createLogger(option: LoggerOption, level: string, dev: boolean): Logger {
  if (isLogger(option)) return option;
  if (option === false) return pino({ enabled: false });
  const options: LoggerOptions = { level, ...(typeof option === "object" ? option : {}) };
  if (dev && options.transport === undefined && prettyInstalled()) {
    options.transport = { target: "pino-pretty", options: { colorize: true } };
  }
  return pino(options);
}
