import { execFileSync, spawn } from "node:child_process";
import { join } from "node:path";
import { main } from "./guide/production-app";
import { startRedis, type RedisServer } from "./support/redis-server";

const root = join(__dirname, "../../..");

describe("aex.close() with a RedisStore", () => {
  let redis: RedisServer;
  beforeAll(async () => {
    execFileSync(join(root, "node_modules/.bin/tsc"), ["-b", "packages/session"], { cwd: root });
    redis = await startRedis();
  }, 60_000);
  afterAll(() => redis.stop());

  // Regression (issue 14): a process with a RedisStore hung after `await aex.close()`.
  it("lets the process exit on its own once the store is closed through aex.onClose", async () => {
    const child = spawn(process.execPath, [join(__dirname, "fixtures/redis-exit-app.js")], {
      env: { ...process.env, REDIS_URL: redis.url },
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => (out += String(chunk)));
    const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
    expect(out).toBe("200 visits 1\nclosed\n");
    expect(code).toBe(0);
  }, 20_000);

  it("serves the production app of docs/operations.md: readiness follows Redis", async () => {
    const aex = await main(redis.url, 0, "127.0.0.1");
    const base = `http://127.0.0.1:${aex.port}`;
    try {
      const ready = await fetch(`${base}/health/ready`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toEqual({ status: "ready", checks: { redis: "ok" }, dependencies: {} });
      await redis.stop();
      const down = await fetch(`${base}/health/ready`);
      expect(down.status).toBe(503);
      expect(await down.json()).toMatchObject({ code: "AEX_NOT_READY", details: { state: "serving" } });
      expect((await fetch(`${base}/health/live`)).status).toBe(200);
    } finally {
      await aex.close();
      await redis.start();
    }
  });
});
