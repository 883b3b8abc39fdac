import { spawn, type ChildProcess } from "node:child_process";
import { connect, createServer } from "node:net";

/** A real redis-server on a free loopback port, for tests. */
export interface RedisServer {
  readonly port: number;
  readonly url: string;
  stop(): Promise<void>;
  /** Starts it again on the same port (after `stop`). */
  start(): Promise<void>;
  /**
   * Freezes the server (SIGSTOP): connections stay open and nothing is answered, as when
   * Redis hangs or its machine drops off the network. `resume` thaws it.
   */
  pause(): void;
  /** Thaws a paused server (SIGCONT). */
  resume(): void;
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

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

async function waitFor(port: number, up: boolean): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if ((await accepts(port)) === up) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`redis-server on ${port} did not come ${up ? "up" : "down"}`);
}

/** Starts `redis-server` (installed by `scripts/test.mjs` when missing). */
export async function startRedis(): Promise<RedisServer> {
  const port = await freePort();
  let child: ChildProcess | null = null;
  const start = async () => {
    child = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], {
      stdio: "ignore",
    });
    child.once("error", (error) => {
      throw new Error(`cannot run redis-server (${error.message}); run the tests through "pnpm test"`);
    });
    await waitFor(port, true);
  };
  const stop = async () => {
    if (child === null) return;
    const exited = new Promise((resolve) => child?.once("exit", resolve));
    child.kill("SIGKILL");
    await exited;
    child = null;
    await waitFor(port, false);
  };
  const signal = (name: NodeJS.Signals) => () => {
    if (child === null) throw new Error("redis-server is not running");
    child.kill(name);
  };
  await start();
  return { port, url: `redis://127.0.0.1:${port}`, start, stop, pause: signal("SIGSTOP"), resume: signal("SIGCONT") };
}
