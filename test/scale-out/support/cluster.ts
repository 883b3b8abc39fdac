import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { accepts, Child, freePort, until } from "./processes";

const root = join(__dirname, "../../..");
const APP = join(root, "test/scale-out/fixture/dist/main.js");
export const INSTANCES = ["app1", "app2", "app3"] as const;
export type InstanceName = (typeof INSTANCES)[number];

/** How long an instance keeps serving after SIGTERM with readiness failing (`closeDelay`). */
export const CLOSE_DELAY_MS = 2_500;

/** The HAProxy configuration docs/scaling.md shows, taken from the doc itself. */
export function haproxyConfig(): string {
  const doc = readFileSync(join(root, "docs/scaling.md"), "utf8");
  const block = /```haproxy\n([\s\S]*?)```/.exec(doc);
  if (block === null) throw new Error("docs/scaling.md has no ```haproxy block");
  return block[1]!;
}

/**
 * One redis-server with an append-only file, three instances of the fixture app and
 * HAProxy in front of them, all on free loopback ports, files in a temporary directory.
 */
export class ScaleCluster {
  readonly instances = new Map<InstanceName, { port: number; child: Child }>();
  private redis: Child | null = null;
  private haproxy: Child | null = null;

  private constructor(
    readonly dir: string,
    readonly redisPort: number,
    readonly lbPort: number,
  ) {}

  /** The load balancer's address: where every client of the test talks to. */
  get lb(): string {
    return `http://127.0.0.1:${this.lbPort}`;
  }

  get redisUrl(): string {
    return `redis://127.0.0.1:${this.redisPort}`;
  }

  private get statsSocket(): string {
    return join(this.dir, "haproxy.sock");
  }

  static async start(): Promise<ScaleCluster> {
    const dir = mkdtempSync(join(tmpdir(), "aex-scale-"));
    const cluster = new ScaleCluster(dir, await freePort(), await freePort());
    try {
      await cluster.startRedis();
      await Promise.all(INSTANCES.map((name) => cluster.startInstance(name)));
      await cluster.startHaproxy();
      return cluster;
    } catch (error) {
      await cluster.stop();
      throw error;
    }
  }

  /** Starts redis-server; a restart reloads the data from the append-only file. */
  async startRedis(): Promise<void> {
    // appendfsync always: every write is on disk before Redis answers, so even a SIGKILL loses nothing.
    const args = ["--port", String(this.redisPort), "--bind", "127.0.0.1", "--dir", this.dir];
    args.push("--appendonly", "yes", "--appendfsync", "always", "--save", "");
    this.redis = Child.spawn("redis", "redis-server", args);
    await until("redis-server accepting", async () => ((await accepts(this.redisPort)) ? true : undefined));
  }

  /** Runs one command with `redis-cli` (installed with redis-server); resolves to its output. */
  redisCommand(...args: string[]): Promise<string> {
    return new Promise((resolve, reject) =>
      execFile("redis-cli", ["-p", String(this.redisPort), ...args], (error, stdout) =>
        error ? reject(error) : resolve(stdout.trim()),
      ),
    );
  }

  async stopRedis(signal: NodeJS.Signals): Promise<void> {
    await this.redis?.stop(signal);
    this.redis = null;
  }

  /**
   * Starts an instance (on its old port when it ran before) and waits until it listens. The
   * runtime that runs the test runs the instances: node under jest, Bun under `bun test`.
   */
  async startInstance(name: InstanceName): Promise<Child> {
    const port = this.instances.get(name)?.port ?? 0;
    const child = Child.spawn(name, process.execPath, [APP], {
      NODE_ENV: "production",
      LOG_LEVEL: "error",
      INSTANCE: name,
      PORT: String(port),
      REDIS_URL: this.redisUrl,
      AEX_SESSION_SECRET: "the scale-out test's shared secret",
      CLOSE_DELAY: String(CLOSE_DELAY_MS),
    });
    const ready = await child.line(/^ready (\d+)$/, 20_000);
    this.instances.set(name, { port: Number(ready[1]), child });
    return child;
  }

  instance(name: InstanceName): { port: number; child: Child; base: string } {
    const found = this.instances.get(name);
    if (found === undefined) throw new Error(`no instance ${name}`);
    return { ...found, base: `http://127.0.0.1:${found.port}` };
  }

  private async startHaproxy(): Promise<void> {
    const config = join(this.dir, "haproxy.cfg");
    writeFileSync(config, haproxyConfig());
    const env: NodeJS.ProcessEnv = { AEX_LB_ADDR: `127.0.0.1:${this.lbPort}`, HAPROXY_STATS_SOCKET: this.statsSocket };
    for (const [i, name] of INSTANCES.entries()) env[`AEX_APP${i + 1}`] = `127.0.0.1:${this.instance(name).port}`;
    this.haproxy = Child.spawn("haproxy", "haproxy", ["-db", "-f", config], env);
    for (const name of INSTANCES) await this.waitFor(name, "UP");
  }

  /** The status HAProxy gives each server of the `aex` backend (UP, DOWN, "UP 1/2"…). */
  async servers(): Promise<Record<string, string>> {
    const csv = await new Promise<string>((resolve, reject) => {
      const socket = connect(this.statsSocket);
      let text = "";
      socket.on("connect", () => socket.write("show stat\n"));
      socket.on("data", (chunk) => (text += String(chunk)));
      socket.on("end", () => resolve(text));
      socket.on("error", reject);
    });
    const [header, ...rows] = csv.split("\n").filter((line) => line !== "");
    const columns = header!.replace(/^# /, "").split(",");
    const at = (name: string) => columns.indexOf(name);
    const status: Record<string, string> = {};
    for (const row of rows.map((line) => line.split(","))) {
      if (row[at("pxname")] === "aex" && row[at("svname")] !== "BACKEND")
        status[row[at("svname")]!] = row[at("status")]!;
    }
    return status;
  }

  /** Waits until HAProxy reports `name` exactly `status`; resolves to the moment it saw it. */
  waitFor(name: InstanceName, status: "UP" | "DOWN", withinMs = 15_000): Promise<number> {
    return until(
      `haproxy reports ${name} ${status}`,
      async () =>
        (await this.servers().catch(() => ({}) as Record<string, string>))[name] === status ? Date.now() : undefined,
      withinMs,
      25,
    );
  }

  /** Stops everything it started, whatever state the test left it in. */
  async stop(): Promise<void> {
    await this.haproxy?.stop("SIGTERM");
    await Promise.all([...this.instances.values()].map(({ child }) => child.stop("SIGTERM", CLOSE_DELAY_MS + 8_000)));
    await this.redis?.stop("SIGTERM");
    rmSync(this.dir, { recursive: true, force: true });
  }
}
