import { spawn, spawnSync, type ChildProcess, type SpawnOptions } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client } from "pg";

/** A real PostgreSQL server on a free loopback port, in a temporary folder, for tests. */
export interface PostgresServer {
  /** The URL of its `postgres` database. */
  readonly url: string;
  /** Makes an empty database and returns its URL. */
  createDatabase(name: string): Promise<string>;
  /** Stops the server and removes its folder. */
  stop(): Promise<void>;
}

/**
 * The folder of `initdb` and `postgres`: PG_BIN, else Debian's newest
 * /usr/lib/postgresql/<version>/bin (package `postgresql`, installed by scripts/ensure-tools.mjs),
 * else the PATH's.
 */
function binDir(): string | null {
  if (process.env.PG_BIN) return process.env.PG_BIN;
  const debian = "/usr/lib/postgresql";
  const versions = existsSync(debian)
    ? readdirSync(debian)
        .filter((version) => existsSync(join(debian, version, "bin", "postgres")))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  return versions.length > 0 ? join(debian, versions[0], "bin") : null;
}

/**
 * PostgreSQL refuses to run as root: as root (CI), run it as the `postgres` user that
 * Debian's package creates.
 */
function runAs(): { uid: number; gid: number } | null {
  if (process.getuid?.() !== 0) return null;
  const entry = spawnSync("getent", ["passwd", "postgres"], { encoding: "utf8" }).stdout.trim();
  const [, , uid, gid] = entry.split(":");
  if (!uid)
    throw new Error("Running as root, and no `postgres` user to run PostgreSQL as (apt-get install postgresql)");
  return { uid: Number(uid), gid: Number(gid) };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Runs a child to its end; rejects with its output when it fails. */
function run(command: string, args: string[], options: SpawnOptions): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...options, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout?.on("data", (chunk) => (output += chunk));
    child.stderr?.on("data", (chunk) => (output += chunk));
    child.once("error", (error) =>
      reject(
        new Error(
          `cannot run ${command} (${error.message}): run the tests through "pnpm test", which installs postgresql`,
        ),
      ),
    );
    child.once("close", (code) =>
      code === 0 ? resolve() : reject(new Error(`${command} exited with ${code}:\n${output}`)),
    );
  });
}

/** Resolves once `child` logs that it accepts connections; rejects if it exits or takes over 30 s. */
function ready(child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    let log = "";
    const timer = setTimeout(() => reject(new Error(`postgres did not start in 30 s:\n${log}`)), 30_000);
    const done = (error?: Error) => {
      clearTimeout(timer);
      child.stderr?.removeListener("data", onData);
      child.removeListener("exit", onExit);
      child.removeListener("error", done);
      if (error) reject(error);
      else resolve();
    };
    const onData = (chunk: Buffer) => {
      log += chunk.toString();
      if (log.includes("database system is ready to accept connections")) done();
    };
    const onExit = (code: number | null) => done(new Error(`postgres exited (${code}):\n${log}`));
    child.stderr?.on("data", onData);
    child.once("exit", onExit);
    child.once("error", done);
  });
}

/**
 * Starts a throwaway PostgreSQL: `initdb` in a temporary folder (trust authentication, no
 * fsync: the data dies with the test), then `postgres` on 127.0.0.1 and a free port.
 */
export async function startPostgres(): Promise<PostgresServer> {
  const bin = binDir();
  const exe = (name: string) => (bin ? join(bin, name) : name);
  const user = runAs();
  const home = mkdtempSync(join(tmpdir(), "aex-postgres-"));
  if (user) chownSync(home, user.uid, user.gid);
  const data = join(home, "data");
  const as: SpawnOptions = user ? { uid: user.uid, gid: user.gid } : {};
  try {
    await run(
      exe("initdb"),
      ["-D", data, "-U", "aex", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync", "--no-instructions"],
      as,
    );
  } catch (error) {
    rmSync(home, { recursive: true, force: true });
    throw error;
  }
  const port = await freePort();
  const listen = ["-D", data, "-p", String(port), "-k", home, "-c", "listen_addresses=127.0.0.1"];
  // Durability off: nothing here outlives the test. The Unix socket goes in the test's folder.
  const fast = ["fsync=off", "synchronous_commit=off", "full_page_writes=off"].flatMap((setting) => ["-c", setting]);
  const server = spawn(exe("postgres"), [...listen, ...fast], { ...as, stdio: ["ignore", "ignore", "pipe"] });
  const exited = new Promise<void>((resolve) => {
    server.once("exit", () => resolve());
    server.once("error", () => resolve());
  });
  await ready(server).catch(async (error: Error) => {
    server.kill("SIGKILL");
    await exited;
    rmSync(home, { recursive: true, force: true });
    throw error;
  });
  // Keep reading its log, so a full pipe never blocks it.
  server.stderr?.resume();

  const url = (name: string) => `postgres://aex@127.0.0.1:${port}/${name}`;
  return {
    url: url("postgres"),
    async createDatabase(name) {
      const client = new Client({ connectionString: url("postgres") });
      await client.connect();
      try {
        await client.query(`create database "${name}"`);
      } finally {
        await client.end();
      }
      return url(name);
    },
    async stop() {
      // Immediate shutdown: no checkpoint, the folder is removed next.
      if (server.exitCode === null && server.signalCode === null) server.kill("SIGQUIT");
      await exited;
      rmSync(home, { recursive: true, force: true });
    },
  };
}
