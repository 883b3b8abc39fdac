import { spawn, type ChildProcess } from "node:child_process";
import { connect, createServer } from "node:net";

/** A free loopback port (closed again at once: the caller binds it next). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Polls `check` every `everyMs` until it returns something other than undefined; rejects
 * with `what` after `withinMs`. Each poll waits on a timer, so I/O keeps flowing.
 */
export async function until<T>(
  what: string,
  check: () => Promise<T | undefined> | T | undefined,
  withinMs = 10_000,
  everyMs = 50,
): Promise<T> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${withinMs} ms`);
    await pause(everyMs);
  }
}

/** Whether something accepts TCP connections on `port`. */
export function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

/** A child process whose output lines are kept, to wait for and to show when a test fails. */
export class Child {
  readonly lines: string[] = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private readonly waiters = new Set<() => void>();

  constructor(
    readonly name: string,
    readonly proc: ChildProcess,
  ) {
    const collect = (chunk: Buffer) => {
      this.lines.push(
        ...String(chunk)
          .split("\n")
          .filter((line) => line !== ""),
      );
      for (const wake of this.waiters) wake();
    };
    proc.stdout?.on("data", collect);
    proc.stderr?.on("data", collect);
    this.exited = new Promise((resolve) => proc.once("exit", (code, signal) => resolve({ code, signal })));
    void this.exited.then(() => this.waiters.forEach((wake) => wake()));
  }

  static spawn(name: string, command: string, args: string[], env: NodeJS.ProcessEnv = {}): Child {
    const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    child.once("error", (error) => console.error(`${name}: cannot run ${command}: ${error.message}`));
    return new Child(name, child);
  }

  get running(): boolean {
    return this.proc.exitCode === null && this.proc.signalCode === null;
  }

  /** Resolves with the first line matching `pattern` (seen already or to come), within `withinMs`. */
  line(pattern: RegExp, withinMs = 10_000): Promise<RegExpMatchArray> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        for (const line of this.lines) {
          const match = pattern.exec(line);
          if (match !== null) {
            done();
            resolve(match);
            return true;
          }
        }
        if (!this.running) {
          done();
          reject(new Error(`${this.name} exited before printing ${pattern}:\n${this.lines.join("\n")}`));
          return true;
        }
        return false;
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`${this.name} printed no ${pattern} within ${withinMs} ms:\n${this.lines.join("\n")}`));
      }, withinMs);
      const wake = () => void check();
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(wake);
      };
      this.waiters.add(wake);
      check();
    });
  }

  /** Sends `signal` and waits for the exit; SIGKILL after `withinMs`. */
  async stop(
    signal: NodeJS.Signals = "SIGTERM",
    withinMs = 10_000,
  ): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    if (this.running) {
      this.proc.kill(signal);
      const timer = setTimeout(() => this.proc.kill("SIGKILL"), withinMs);
      await this.exited;
      clearTimeout(timer);
    }
    return this.exited;
  }
}
