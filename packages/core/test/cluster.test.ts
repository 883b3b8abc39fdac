import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { join } from "node:path";
import { get } from "./support/http";

const root = join(__dirname, "../../..");

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

describe("runCluster(start, options)", () => {
  let primary: ChildProcess;
  let base: string;
  const listening: number[] = [];
  const waitForListening = async (count: number) => {
    for (let i = 0; i < 400 && listening.length < count; i++) await new Promise((r) => setTimeout(r, 50));
    expect(listening.length).toBeGreaterThanOrEqual(count);
  };

  beforeAll(async () => {
    // The cluster runs the built package: make sure it is current.
    execFileSync(join(root, "node_modules/.bin/tsc"), ["-b", "packages/core"], { cwd: root });
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    primary = spawn(process.execPath, [join(__dirname, "fixtures/cluster-app.js")], {
      env: { ...process.env, PORT: String(port) },
      stdio: ["ignore", "pipe", "inherit"],
    });
    primary.stdout!.on("data", (chunk: Buffer) => {
      for (const match of String(chunk).matchAll(/listening (\d+)/g)) listening.push(Number(match[1]));
    });
    await waitForListening(2);
  }, 120_000);

  afterAll(() => {
    if (primary.exitCode === null) primary.kill("SIGKILL");
  });

  it("serves one port from several workers", async () => {
    const pids = new Set<string>();
    for (let i = 0; i < 20; i++) pids.add((await get(base, "/")).text);
    expect([...pids].every((pid) => listening.includes(Number(pid)))).toBe(true);
    expect(pids.size).toBe(2);
  });

  it("replaces a worker that dies", async () => {
    const [victim] = listening;
    process.kill(victim, "SIGKILL");
    await waitForListening(3);
    const replacement = listening[2];
    expect(replacement).not.toBe(victim);
    const pids = new Set<string>();
    for (let i = 0; i < 20; i++) pids.add((await get(base, "/")).text);
    expect(pids.has(String(victim))).toBe(false);
    expect(pids.has(String(replacement))).toBe(true);
  }, 30_000);

  it("replaces every worker one by one on SIGHUP (rolling restart)", async () => {
    const before = new Set<string>();
    for (let i = 0; i < 20; i++) before.add((await get(base, "/")).text);
    const seen = listening.length;
    primary.kill("SIGHUP");
    await waitForListening(seen + 2);
    const fresh = listening.slice(seen);
    // The last old worker stops after the last new one listens: wait for it to be gone.
    for (const pid of before) {
      for (let i = 0; i < 200 && alive(Number(pid)); i++) await new Promise((r) => setTimeout(r, 50));
      expect(alive(Number(pid))).toBe(false);
    }
    const after = new Set<string>();
    for (let i = 0; i < 20; i++) after.add((await get(base, "/")).text);
    expect([...after].every((pid) => fresh.includes(Number(pid)))).toBe(true);
  }, 30_000);

  it("stops every worker on SIGTERM", async () => {
    const exited = new Promise<number | null>((resolve) => primary.once("exit", resolve));
    primary.kill("SIGTERM");
    expect(await exited).toBe(0);
    for (const pid of listening) expect(() => process.kill(pid, 0)).toThrow();
  });
});

describe("runCluster(start) when no worker can boot", () => {
  it("stops with AEX_ERR_CLUSTER_CRASH_LOOP instead of forking forever", async () => {
    execFileSync(join(root, "node_modules/.bin/tsc"), ["-b", "packages/core"], { cwd: root });
    const primary = spawn(process.execPath, [join(__dirname, "fixtures/cluster-crash-app.js")], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    primary.stderr!.on("data", (chunk: Buffer) => (stderr += chunk));
    const code = await new Promise<number | null>((resolve) => primary.once("exit", resolve));
    expect(code).toBe(1);
    expect(stderr).toContain("AEX_ERR_CLUSTER_CRASH_LOOP");
    expect(stderr).toContain("4 workers in a row died before listening");
    // Each worker said why it could not boot.
    expect(stderr).toContain("DATABASE_URL is not set");
  }, 60_000);
});

describe("aex.start(port, { cluster })", () => {
  it("forks the workers, resolves null in the primary with their port, serves from each, and stops them all on SIGTERM", async () => {
    execFileSync(join(root, "node_modules/.bin/tsc"), ["-b", "packages/core"], { cwd: root });
    // A fixed port: under Bun each worker would get a port of its own for port 0.
    const primary = spawn(process.execPath, [join(__dirname, "fixtures/cluster-start-app.js")], {
      env: { ...process.env, PORT: String(await freePort()) },
      stdio: ["ignore", "pipe", "inherit"],
    });
    try {
      const port = await new Promise<number>((resolve) => {
        let out = "";
        primary.stdout!.on("data", (chunk: Buffer) => {
          out += chunk;
          const match = /primary ready (\d+)/.exec(out);
          if (match !== null) resolve(Number(match[1]));
        });
      });
      expect(port).toBeGreaterThan(0);
      const pids = new Set<string>();
      for (let i = 0; i < 20; i++) {
        const res = await get(`http://127.0.0.1:${port}`, "/");
        expect(res.status).toBe(200);
        pids.add(res.text);
      }
      expect(pids.size).toBe(2);
      expect(pids.has(String(primary.pid))).toBe(false);
      const exited = new Promise<number | null>((resolve) => primary.once("exit", resolve));
      primary.kill("SIGTERM");
      expect(await exited).toBe(0);
      for (const pid of pids) {
        for (let i = 0; i < 100 && alive(Number(pid)); i++) await new Promise((r) => setTimeout(r, 50));
        expect(alive(Number(pid))).toBe(false);
      }
    } finally {
      if (primary.exitCode === null) primary.kill("SIGKILL");
    }
  }, 60_000);
});

describe("runCluster(start) backoff and SIGINT", () => {
  it("doubles the restart delay while workers die young, caps it, resets it after a stable worker, and stops on SIGINT", async () => {
    execFileSync(join(root, "node_modules/.bin/tsc"), ["-b", "packages/core"], { cwd: root });
    // A worker boots in well under 4 s even on a loaded machine, so "young" is unambiguous.
    const STABLE_AFTER = 4_000;
    const primary = spawn(process.execPath, [join(__dirname, "fixtures/cluster-backoff-app.js")], {
      env: { ...process.env, DEBUG: "aex:cluster", DEBUG_COLORS: "0", STABLE_AFTER: String(STABLE_AFTER) },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    const fifth = new Promise<number>((resolve) =>
      primary.stdout!.on("data", (chunk: Buffer) => {
        stdout += chunk;
        const match = /^listening 5 (\d+)$/m.exec(stdout);
        if (match) resolve(Number(match[1]));
      }),
    );
    primary.stderr!.on("data", (chunk: Buffer) => (stderr += chunk));
    const exited = new Promise<number | null>((resolve) => primary.once("exit", resolve));
    try {
      const lastWorker = await fifth;
      // The delays the primary chose, from its debug log: 100 ms doubled per young death, at
      // most maxRestartDelay (400), back to 100 after a worker that lived past stableAfter.
      const delays = [...stderr.matchAll(/a new one in (\d+) ms/g)].map((m) => Number(m[1]));
      expect(delays).toEqual([200, 400, 400, 100]);

      primary.kill("SIGINT");
      expect(await exited).toBe(0);
      // The worker says so in its SIGTERM handler, just before it exits. Under Bun that last
      // line sometimes never reaches the primary's pipe (seen once in four runs), so there
      // the exit code and the worker being gone are what is checked.
      if (process.versions.bun === undefined) expect(stdout).toContain(`worker ${lastWorker} got SIGTERM`);
      expect(alive(lastWorker)).toBe(false);
    } finally {
      if (primary.exitCode === null) primary.kill("SIGKILL");
    }
  }, 60_000);
});
