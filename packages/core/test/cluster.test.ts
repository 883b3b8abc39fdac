import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { join } from "node:path";
import { get } from "./support/http";

const root = join(__dirname, "../../..");

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
    for (let i = 0; i < 200 && listening.length < count; i++) await new Promise((r) => setTimeout(r, 50));
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
  }, 60_000);

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
  });

  it("stops every worker on SIGTERM", async () => {
    const exited = new Promise<number | null>((resolve) => primary.once("exit", resolve));
    primary.kill("SIGTERM");
    expect(await exited).toBe(0);
    for (const pid of listening) expect(() => process.kill(pid, 0)).toThrow();
  });
});
