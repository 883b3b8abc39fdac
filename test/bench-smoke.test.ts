// The bench cannot rot: every server of bench/ starts and answers every scenario it serves
// exactly as the bench expects (status, body, security headers, the refusals of the
// realistic scenarios), a few requests each, no timing. Servers run as child processes
// (the built bench: `tsc -b tsconfig.build.json`), a few at a time, slowest to start first.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { SERVERS, checkProcess, type ServerProcess } from "../bench/src/scenarios";

const BENCH = join(__dirname, "..", "bench");
/** Processes alive at once: startup is the slow part (NestJS), and the machine has 2 cores. */
const AT_ONCE = 4;
const READY_WITHIN_MS = 20_000;

interface Started {
  readonly child: ChildProcess;
  readonly port: number;
}

/** Starts one server process on a free port; resolves once it prints `ready <port>`. */
function start(proc: ServerProcess, stderr: string[]): Promise<Started> {
  // The Bun servers (issue 27) run on the binary of the root devDependency `bun`.
  const command =
    proc.runtime === "bun" ? join(dirname(require.resolve("bun/package.json")), "bin", "bun.exe") : process.execPath;
  const child = spawn(command, [join(BENCH, proc.script), "0", ...(proc.args ?? [])], {
    cwd: BENCH,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, NODE_ENV: "production", LOG_LEVEL: "silent" },
  });
  child.stderr?.on("data", (chunk: Buffer) => stderr.push(String(chunk)));
  return new Promise((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`${proc.script} printed no "ready" within ${READY_WITHIN_MS} ms`));
    }, READY_WITHIN_MS);
    child.stdout?.on("data", (chunk: Buffer) => {
      out += String(chunk);
      const ready = /ready (\d+)/.exec(out);
      if (ready !== null) {
        clearTimeout(timer);
        resolve({ child, port: Number(ready[1]) });
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`${proc.script} exited with ${code}`));
    });
  });
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once("exit", () => resolve());
    child.kill("SIGKILL");
  });
}

/** Starts `proc`, checks every scenario it serves, stops it; the first failure, or null. */
async function smoke(name: string, proc: ServerProcess): Promise<Error | null> {
  const stderr: string[] = [];
  let started: Started | undefined;
  try {
    started = await start(proc, stderr);
    await checkProcess(`http://127.0.0.1:${started.port}`, name, proc);
    return null;
  } catch (error) {
    const message = `${name} (${[proc.script, ...(proc.args ?? [])].join(" ")}): ${(error as Error).message}`;
    return new Error(stderr.length > 0 ? `${message}\nstderr: ${stderr.join("").slice(-2000)}` : message);
  } finally {
    if (started !== undefined) await stop(started.child);
  }
}

describe("bench smoke", () => {
  const processes = Object.entries(SERVERS).flatMap(([name, procs]) => procs.map((proc) => ({ name, proc })));
  const failures = new Map<ServerProcess, Error | null>();

  beforeAll(async () => {
    const missing = processes.map(({ proc }) => proc.script).filter((script) => !existsSync(join(BENCH, script)));
    if (missing.length > 0)
      throw new Error(`build the bench first (tsc -b tsconfig.build.json): ${missing.join(", ")}`);
    // NestJS takes longest to start: begin with it so the others fill the gaps.
    const queue = [...processes].sort(
      (a, b) => Number(b.proc.script.endsWith(".mjs")) - Number(a.proc.script.endsWith(".mjs")),
    );
    const worker = async () => {
      for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
        failures.set(next.proc, await smoke(next.name, next.proc));
      }
    };
    await Promise.all(Array.from({ length: AT_ONCE }, worker));
  }, 180_000);

  it.each(Object.keys(SERVERS))("%s answers every scenario it serves as the bench expects", (name) => {
    for (const proc of SERVERS[name]) {
      expect(failures.has(proc)).toBe(true);
      const failure = failures.get(proc);
      if (failure) throw failure;
    }
  });
});

describe("pnpm bench:cpu (bench/cpu-windows.mjs)", () => {
  const run = (args: string[]) =>
    new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
      const child = spawn(process.execPath, [join(BENCH, "cpu-windows.mjs"), ...args], { cwd: BENCH });
      let out = "";
      let err = "";
      child.stdout.on("data", (chunk: Buffer) => (out += String(chunk)));
      child.stderr.on("data", (chunk: Buffer) => (err += String(chunk)));
      child.once("exit", (code) => resolve({ code, out, err }));
    });

  it("prints each server's CPU per request in alternating windows and the base's share", async () => {
    const args = ["--servers", "raw,aex", "--scenario", "1", "--windows", "1", "--seconds", "1", "--warm", "200"];
    const { code, out, err } = await run([...args, "--port", "4750"]);
    expect({ code, err }).toEqual({ code: 0, err: "" });
    expect(out).toContain("Scenario 1 (GET / → text), 1 alternating windows of 1 s,");
    expect(out).toMatch(/^\| raw \| \d+\.\d \(\d+\.\d–\d+\.\d\) \| \d+ \| \(base\) \|$/m);
    expect(out).toMatch(/^\| aex \| \d+\.\d \(\d+\.\d–\d+\.\d\) \| \d+ \| \d\.\d\d \|$/m);
  }, 60_000);

  it("refuses a single server: there is nothing to compare it with", async () => {
    const { code, err } = await run(["--servers", "raw", "--scenario", "1"]);
    expect(code).not.toBe(0);
    expect(err).toContain("--servers needs at least two servers");
  });
});
