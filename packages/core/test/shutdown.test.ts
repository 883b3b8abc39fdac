import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { connect, type Socket } from "node:net";
import { join } from "node:path";
import { Aex, Router, get, type AexRequest, type AexResponse } from "@aex/core";
import { health } from "@aex/core/health";
import { get as httpGet } from "./support/http";

const root = join(__dirname, "../../..");

/** Lines of a child's stdout, joined across chunks (a line may arrive in two). */
function stdoutLines(child: ChildProcess): string[] {
  const lines: string[] = [];
  let partial = "";
  child.stdout!.on("data", (chunk: Buffer) => {
    const parts = (partial + String(chunk)).split("\n");
    partial = parts.pop()!;
    lines.push(...parts);
  });
  return lines;
}

/**
 * Resolves with the `count`-th stdout line of `child` that matches `pattern`. Waits on stdout
 * events, never on a resolved promise in a loop, so the reads it waits for can happen.
 */
function lineOf(child: ChildProcess, pattern: RegExp, seen: string[], count = 1): Promise<RegExpMatchArray> {
  return new Promise((resolve) => {
    const check = (): boolean => {
      const matches = seen.map((line) => pattern.exec(line)).filter((match) => match !== null);
      if (matches.length < count) return false;
      resolve(matches[count - 1]);
      return true;
    };
    if (check()) return;
    const onData = (): void => {
      // After the lines listener of stdoutLines has run for this chunk.
      setImmediate(() => check() && child.stdout!.off("data", onData));
    };
    child.stdout!.on("data", onData);
  });
}

/** Reads everything a raw socket receives until the server closes it. */
function untilClosed(socket: Socket): Promise<string> {
  const chunks: Buffer[] = [];
  socket.on("data", (chunk: Buffer) => chunks.push(chunk));
  return new Promise((resolve) => socket.on("close", () => resolve(Buffer.concat(chunks).toString("utf8"))));
}

describe("aex.start() with SIGTERM (a real child process)", () => {
  beforeAll(() => {
    execFileSync(join(root, "node_modules/.bin/tsc"), ["-b", "packages/core"], { cwd: root });
  }, 60_000);

  it("drains in-flight requests, answers 503 + Connection: close on kept-alive sockets, and exits 0", async () => {
    const child = spawn(process.execPath, [join(__dirname, "fixtures/shutdown-app.js")], {
      env: { ...process.env, PORT: "0" },
      stdio: ["pipe", "pipe", "inherit"],
    });
    const seen = stdoutLines(child);
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    const port = Number((await lineOf(child, /^ready (\d+)/, seen))[1]);
    const base = `http://127.0.0.1:${port}`;

    expect((await httpGet(base, "/health/ready")).status).toBe(200);
    // Three requests in flight on their own connections, and one kept-alive socket busy with /slow.
    const inFlight = [1, 2, 3].map(() => httpGet(base, "/slow"));
    const keptAlive = connect(port, "127.0.0.1");
    const keptAliveText = untilClosed(keptAlive);
    keptAlive.write("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n");
    await lineOf(child, /^slow started/, seen, 4);

    child.kill("SIGTERM");
    await lineOf(child, /^closing/, seen);
    // On Bun the app serves with Bun.serve, which drops a connection when a request comes in
    // behind one still being answered (docs/runtimes.md): the kept-alive socket sends none.
    const bunServe = process.versions.bun !== undefined;
    // A new request on the kept-alive socket while draining.
    if (!bunServe) keptAlive.write("GET /fast HTTP/1.1\r\nHost: x\r\n\r\n");
    // New connections are refused.
    await expect(httpGet(base, "/fast")).rejects.toMatchObject({ code: "ECONNREFUSED" });
    child.stdin!.write("release\n");

    for (const res of await Promise.all(inFlight)) {
      expect(res.status).toBe(200);
      expect(res.text).toBe("slow done");
    }
    const text = await keptAliveText;
    const [first, second] = text.split(/(?=HTTP\/1\.1 )/);
    expect(first).toMatch(/^HTTP\/1\.1 200 OK/);
    expect(first).toContain("slow done");
    // Bun.serve closes the kept-alive connection once its answer is out.
    if (bunServe) expect(second).toBeUndefined();
    else {
      expect(second).toMatch(/^HTTP\/1\.1 503 Service Unavailable/);
      expect(second.toLowerCase()).toContain("connection: close");
      expect(second).toContain('"code":"AEX_SHUTTING_DOWN"');
    }
    expect(await exited).toBe(0);
  }, 30_000);
});

describe("aex.close()", () => {
  it("runs connection hooks first, in order, and resource hooks after draining, last first", async () => {
    const order: string[] = [];
    const aex = new Aex({ logger: false, handleSignals: false });
    aex.onClose(() => order.push("store"));
    aex.onClose(() => order.push("websockets"), { phase: "connections" });
    aex.onClose(() => order.push("redis client"));
    aex.onClose(() => order.push("sse"), { phase: "connections" });
    await aex.start(0, "127.0.0.1");
    await aex.close();
    expect(order).toEqual(["websockets", "sse", "redis client", "store"]);
    expect(aex.phase).toBe("closed");
  });

  it("with closeDelay, keeps serving while readiness already answers 503, then stops accepting", async () => {
    // The window in which a load balancer's health check sees 503 and takes the instance
    // out while it still answers; one second is far longer than two loopback requests.
    const aex = new Aex({ logger: false, handleSignals: false, closeDelay: 1000 });
    aex.use(health());
    aex.use(new Router().get("/", async (_req, res) => res.end("home")));
    const stopped: string[] = [];
    aex.onClose(() => stopped.push("stopped accepting"), { phase: "connections" });
    await aex.start(0, "127.0.0.1");
    const base = `http://127.0.0.1:${aex.port}`;
    const closed = aex.close();
    const ready = await httpGet(base, "/health/ready");
    expect(ready.status).toBe(503);
    expect(ready.json()).toMatchObject({ code: "AEX_NOT_READY", details: { state: "closing" } });
    const home = await httpGet(base, "/");
    expect(home.status).toBe(200);
    expect(home.text).toBe("home");
    expect(stopped).toEqual([]);
    await closed;
    expect(stopped).toEqual(["stopped accepting"]);
    await expect(httpGet(base, "/")).rejects.toMatchObject({ code: "ECONNREFUSED" });
  });

  it("runs every hook even when one fails, and can be called twice", async () => {
    const order: string[] = [];
    const aex = new Aex({ logger: false });
    aex.onClose(() => order.push("second"));
    aex.onClose(() => {
      throw new Error("broken hook");
    });
    await Promise.all([aex.close(), aex.close()]);
    expect(order).toEqual(["second"]);
  });

  it("refuses a hook that is not a function (AEX_ERR_MIDDLEWARE_INVALID)", () => {
    expect(() => new Aex().onClose("x" as unknown as () => void)).toThrow(
      expect.objectContaining({ code: "AEX_ERR_MIDDLEWARE_INVALID" }),
    );
  });
});

describe("health(options)", () => {
  class Ok {
    @get("/")
    home(_req: AexRequest, res: AexResponse) {
      res.end("home");
    }
  }

  it("answers liveness always and readiness only while serving", async () => {
    const aex = new Aex({ logger: false, handleSignals: false }).push(Ok);
    aex.use(health());
    const live = await aex.inject().get("/health/live");
    expect(live.status).toBe(200);
    expect(live.json()).toEqual({ status: "ok" });
    expect(live.headers["cache-control"]).toBe("no-store");
    const starting = await aex.inject().get("/health/ready");
    expect(starting.status).toBe(503);
    expect(starting.json()).toMatchObject({
      status: 503,
      code: "AEX_NOT_READY",
      details: { state: "starting", checks: {} },
    });
    await aex.start(0, "127.0.0.1");
    const base = `http://127.0.0.1:${aex.port}`;
    const ready = await httpGet(base, "/health/ready");
    expect(ready.status).toBe(200);
    expect(ready.json()).toEqual({ status: "ready", checks: {}, dependencies: {} });
    expect((await httpGet(base, "/")).text).toBe("home");
    let whileClosing: number | undefined;
    aex.onClose(
      async () => {
        whileClosing = (await aex.inject().get("/health/ready")).status;
      },
      { phase: "connections" },
    );
    await aex.close();
    expect(whileClosing).toBe(503);
  });

  it("runs user checks, each within its timeout", async () => {
    let redisUp = true;
    const aex = new Aex({ logger: false, handleSignals: false });
    aex.use(
      health({
        live: "/livez",
        ready: "/readyz",
        timeout: 50,
        checks: {
          redis: () => {
            if (!redisUp) throw new Error("ECONNREFUSED");
          },
          db: async () => "pong",
        },
      }),
    );
    await aex.start(0, "127.0.0.1");
    const base = `http://127.0.0.1:${aex.port}`;
    try {
      expect((await httpGet(base, "/livez")).status).toBe(200);
      const ok = await httpGet(base, "/readyz");
      expect(ok.status).toBe(200);
      expect(ok.json()).toEqual({ status: "ready", checks: { redis: "ok", db: "ok" }, dependencies: {} });
      redisUp = false;
      const down = await httpGet(base, "/readyz");
      expect(down.status).toBe(503);
      expect(down.json()).toMatchObject({ code: "AEX_NOT_READY", details: { checks: { redis: "failed", db: "ok" } } });
    } finally {
      await aex.close();
    }
  });

  it("counts a check that never settles as timed out", async () => {
    const aex = new Aex({ logger: false, handleSignals: false });
    aex.use(health({ timeout: 20, checks: { hung: () => new Promise(() => undefined) } }));
    await aex.start(0, "127.0.0.1");
    try {
      const res = await httpGet(`http://127.0.0.1:${aex.port}`, "/health/ready");
      expect(res.status).toBe(503);
      expect(res.json()).toMatchObject({
        code: "AEX_NOT_READY",
        details: { state: "serving", checks: { hung: "timeout" } },
      });
    } finally {
      await aex.close();
    }
  });
});
