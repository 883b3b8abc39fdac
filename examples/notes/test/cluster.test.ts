// The notes demo in cluster mode, as docs/deployment.md and docs/cluster.md run it: the built
// `dist/cluster.js`, two workers on one port, sessions in a real Redis (the RedisStore branch
// of createNotesApp), stopped by SIGTERM.
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { join } from "node:path";
import { get, send, type TestResponse } from "../../../packages/core/test/support/http";
import { startRedis, type RedisServer } from "../../../packages/session/test/support/redis-server";

const root = join(__dirname, "../../..");

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** GET / until a worker answers (bounded), the cluster's readiness. */
async function firstAnswer(base: string): Promise<TestResponse> {
  let lastError: unknown;
  for (let attempt = 0; attempt < 200; attempt++) {
    try {
      return await get(base, "/");
    } catch (error) {
      lastError = error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  throw lastError;
}

describe("examples/notes in cluster mode (examples/notes/src/cluster.ts, with examples/notes/src/app.ts on Redis)", () => {
  let redis: RedisServer;
  let primary: ChildProcess;
  let base: string;
  let exited: Promise<number | null>;

  beforeAll(async () => {
    // The cluster runs the built example (and the packages it references).
    execFileSync(join(root, "node_modules/.bin/tsc"), ["-b", "examples/notes"], { cwd: root });
    redis = await startRedis();
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    primary = spawn(process.execPath, [join(root, "examples/notes/dist/cluster.js")], {
      env: {
        ...process.env,
        PORT: String(port),
        WORKERS: "2",
        REDIS_URL: redis.url,
        AEX_SESSION_SECRET: "cluster test secret",
        NODE_ENV: "production",
      },
      stdio: ["ignore", "inherit", "inherit"],
    });
    exited = new Promise((resolve) => primary.once("exit", resolve));
  }, 120_000);

  afterAll(async () => {
    if (primary?.exitCode === null) primary.kill("SIGKILL");
    await redis?.stop();
  });

  it("serves the demo from its workers, with sessions every worker reads from Redis", async () => {
    const page = await firstAnswer(base);
    expect(page.status).toBe(200);
    expect(page.text).toContain('<form id="login">');
    // The page gave a session (in Redis, so any worker reads it) and its CSRF token.
    const token = /<meta name="csrf-token" content="([^"]+)">/.exec(page.text)![1];
    const visitor = String(page.headers["set-cookie"]).split(";")[0];

    const login = await send(base, "POST", "/api/login", {
      headers: { "Content-Type": "application/json", Cookie: visitor, "X-CSRF-Token": token },
      body: JSON.stringify({ username: "grace", password: "cobol" }),
    });
    expect(login.status).toBe(200);
    expect(login.json()).toEqual({ user: "grace" });
    // One session cookie, though login regenerates the id and then rotates it for the new user.
    const setCookie = login.headers["set-cookie"] ?? [];
    expect(setCookie).toHaveLength(1);
    const cookie = setCookie[0].split(";")[0];

    // Each request on a new connection: the primary hands them to the workers in turn, and
    // each worker finds the session in Redis.
    for (let i = 0; i < 6; i++) {
      const notes = await get(base, "/api/notes", { Cookie: cookie });
      expect(notes.status).toBe(200);
    }
    // The one session is in Redis (redis-cli comes with redis-server).
    const keys = execFileSync("redis-cli", ["-p", String(redis.port), "--raw", "keys", "aex:sess:*"], {
      encoding: "utf8",
    });
    expect(keys.trim().split("\n")).toHaveLength(1);
  });

  it("stops every worker and exits on SIGTERM", async () => {
    primary.kill("SIGTERM");
    expect(await exited).toBe(0);
    await expect(get(base, "/")).rejects.toMatchObject({ code: "ECONNREFUSED" });
  });
});
