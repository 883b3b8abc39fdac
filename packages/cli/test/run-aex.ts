// Runs the built `aex` bin (packages/cli/dist/bin.js) as a user's shell would.
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";

export const BIN = join(__dirname, "..", "dist", "bin.js");
export const FIXTURES = join(__dirname, "fixtures");

export interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

/** `node dist/bin.js …args` in `cwd` (with `env` over the test's); resolves with the exit code and both outputs. */
export function aex(args: string[], cwd = FIXTURES, env: Record<string, string> = {}): Promise<Ran> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { cwd, env: { ...process.env, ...env } }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === "number" ? error.code : 1;
      resolve({ code, stdout, stderr });
    });
  });
}

/** A long-running `aex` (start, dev) and everything it printed so far. */
export interface Running {
  child: ChildProcess;
  output: () => string;
  /** Resolves when the output matches `pattern` `count` times; rejects if the process exits first. */
  waitFor: (pattern: RegExp, count?: number) => Promise<RegExpMatchArray[]>;
  stop: () => Promise<void>;
}

/** Starts `aex …args` in its own process group, so stop() ends its workers too. */
export function spawnAex(args: string[], env: Record<string, string> = {}, cwd = FIXTURES): Running {
  const child = spawn(process.execPath, [BIN, ...args], { cwd, env: { ...process.env, ...env }, detached: true });
  let text = "";
  const waiters = new Set<() => void>();
  const onData = (chunk: Buffer) => {
    text += chunk.toString();
    for (const check of waiters) check();
  };
  child.stdout?.on("data", onData);
  child.stderr?.on("data", onData);
  const exited = new Promise<void>((resolve) => child.on("exit", () => resolve()));
  return {
    child,
    output: () => text,
    waitFor: (pattern, count = 1) =>
      new Promise((resolve, reject) => {
        const global = new RegExp(pattern.source, pattern.flags.includes("g") ? pattern.flags : pattern.flags + "g");
        const check = () => {
          const matches = [...text.matchAll(global)];
          if (matches.length >= count) {
            waiters.delete(check);
            resolve(matches);
          }
        };
        waiters.add(check);
        void exited.then(() => {
          if (waiters.delete(check)) reject(new Error(`aex ${args.join(" ")} exited:\n${text}`));
        });
        check();
      }),
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) process.kill(-(child.pid as number), "SIGTERM");
      await exited;
    },
  };
}
