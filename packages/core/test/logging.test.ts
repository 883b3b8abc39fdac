import { Aex, get, HttpError, type AexRequest, type AexResponse, type Scope } from "@aex/core";
import { lineWhere, memoryLogger } from "./support/log-lines";

class Logged {
  @get("/users/:id")
  user(_req: AexRequest, res: AexResponse, scope: Scope) {
    scope.log.info({ user: scope.params.id }, "user read");
    res.json({ id: scope.params.id });
  }

  @get("/crash")
  crash() {
    throw new Error("database password is hunter2");
  }

  @get("/forbidden")
  forbidden() {
    throw new HttpError(403, "Only admins", { code: "NOT_ADMIN" });
  }

  @get("/quiet")
  quiet(_req: AexRequest, res: AexResponse) {
    res.end("quiet");
  }
}

describe("new Aex({ logger })", () => {
  it("logs a 5xx at error with its stack and request id, while the body stays clean", async () => {
    const { logger, lines } = memoryLogger();
    const aex = new Aex({ logger }).push(Logged);
    const res = await aex.inject().get("/crash");
    expect(res.status).toBe(500);
    expect(res.text()).not.toContain("hunter2");
    const line = await lineWhere(lines, (l) => l.level === 50);
    expect(line).toMatchObject({ reqId: res.headers["x-request-id"], method: "GET", url: "/crash", status: 500 });
    expect(line.code).toBe("AEX_INTERNAL");
    expect((line.err as { stack: string }).stack).toContain("Error: database password is hunter2");
  });

  it("logs bad input (4xx) at info with its code, without a stack", async () => {
    const { logger, lines } = memoryLogger();
    const aex = new Aex({ logger }).push(Logged);
    const res = await aex.inject().get("/forbidden");
    expect(res.status).toBe(403);
    const line = await lineWhere(lines, (l) => l.code === "NOT_ADMIN");
    expect(line).toMatchObject({ level: 30, status: 403, reqId: res.headers["x-request-id"], msg: "Only admins" });
    expect(line.err).toBeUndefined();
  });

  it("logs no request lines by default outside development", async () => {
    const { logger, lines } = memoryLogger();
    const aex = new Aex({ logger }).push(Logged);
    expect((await aex.inject().get("/quiet")).text()).toBe("quiet");
    // A later error line is the barrier: nothing was logged for /quiet before it.
    await aex.inject().get("/forbidden");
    await lineWhere(lines, (l) => l.code === "NOT_ADMIN");
    expect(lines.filter((l) => l.msg === "request")).toEqual([]);
  });

  it("logs one line per request with logRequests: true", async () => {
    const { logger, lines } = memoryLogger();
    const aex = new Aex({ logger, logRequests: true }).push(Logged);
    const res = await aex.inject().get("/users/7?secret=1");
    expect(res.status).toBe(200);
    const line = await lineWhere(lines, (l) => l.msg === "request");
    expect(line).toMatchObject({
      level: 30,
      method: "GET",
      route: "/users/:id",
      status: 200,
      reqId: res.headers["x-request-id"],
      bytes: Number(res.headers["content-length"]),
    });
    expect(typeof line.ms).toBe("number");
    expect(JSON.stringify(line)).not.toContain("secret");
  });

  it("gives scope.log, a child bound to the request id", async () => {
    const { logger, lines } = memoryLogger();
    const aex = new Aex({ logger }).push(Logged);
    const res = await aex.inject().get("/users/42");
    const line = await lineWhere(lines, (l) => l.msg === "user read");
    expect(line).toMatchObject({ level: 30, user: "42", reqId: res.headers["x-request-id"] });
  });

  it("takes the level from options, then LOG_LEVEL", async () => {
    const before = process.env.LOG_LEVEL;
    process.env.LOG_LEVEL = "warn";
    try {
      expect(new Aex().log.level).toBe("warn");
      expect(new Aex({ logLevel: "debug" }).log.level).toBe("debug");
    } finally {
      // Assigning undefined would store the string "undefined".
      if (before === undefined) delete process.env.LOG_LEVEL;
      else process.env.LOG_LEVEL = before;
    }
  });

  it('ignores a LOG_LEVEL that names no level (regression: "undefined" stopped every app)', () => {
    const before = process.env.LOG_LEVEL;
    process.env.LOG_LEVEL = "undefined";
    try {
      expect(new Aex().log.level).toBe("info");
    } finally {
      if (before === undefined) delete process.env.LOG_LEVEL;
      else process.env.LOG_LEVEL = before;
    }
  });

  it("accepts logger: false and still answers errors", async () => {
    const aex = new Aex({ logger: false }).push(Logged);
    expect(aex.log.isLevelEnabled("fatal")).toBe(false);
    const res = await aex.inject().get("/crash");
    expect(res.status).toBe(500);
    expect(res.json()).toMatchObject({ status: 500, code: "AEX_INTERNAL" });
  });

  it("warns at setup about a duplicate route", async () => {
    class Twice {
      @get("/quiet")
      again(_req: AexRequest, res: AexResponse) {
        res.end("second");
      }
    }
    const { logger, lines } = memoryLogger();
    const aex = new Aex({ logger }).push(Logged).push(Twice).prepare();
    const line = await lineWhere(lines, (l) => l.level === 40);
    expect(line).toMatchObject({ method: "GET", url: "/quiet", handler: "Twice.again" });
    expect((await aex.inject().get("/quiet")).text()).toBe("quiet");
  });
});

describe("request ids", () => {
  it("generates one per request and echoes it in the header and the error body", async () => {
    const aex = new Aex({ logger: false }).push(Logged);
    const a = await aex.inject().get("/forbidden");
    const b = await aex.inject().get("/quiet");
    expect(a.headers["x-request-id"]).toMatch(/^[a-z0-9]+-[a-z0-9]+$/);
    expect(b.headers["x-request-id"]).toMatch(/^[a-z0-9]+-[a-z0-9]+$/);
    expect(a.headers["x-request-id"]).not.toBe(b.headers["x-request-id"]);
    expect(a.json()).toMatchObject({ requestId: a.headers["x-request-id"] });
  });

  it("ignores the client's X-Request-Id unless trusted", async () => {
    const aex = new Aex({ logger: false }).push(Logged);
    const res = await aex.inject().get("/quiet").set("x-request-id", "from-client");
    expect(res.headers["x-request-id"]).not.toBe("from-client");
  });

  it("takes a trusted, valid X-Request-Id and replaces an invalid one", async () => {
    const aex = new Aex({ logger: false, requestId: { trust: true } }).push(Logged);
    const given = await aex.inject().get("/forbidden").set("x-request-id", "lb-7f3a:42");
    expect(given.headers["x-request-id"]).toBe("lb-7f3a:42");
    expect(given.json()).toMatchObject({ requestId: "lb-7f3a:42", code: "NOT_ADMIN" });
    for (const bad of ["<script>", "a b", "x".repeat(129)]) {
      const res = await aex.inject().get("/quiet").set("x-request-id", bad);
      expect(res.status).toBe(200);
      expect(res.headers["x-request-id"]).toMatch(/^[a-z0-9]+-[a-z0-9]+$/);
    }
  });

  it("reads and echoes another header, or echoes none", async () => {
    const named = new Aex({ logger: false, requestId: { trust: true, header: "X-Trace" } }).push(Logged);
    const res = await named.inject().get("/quiet").set("x-trace", "t-1");
    expect(res.headers["x-trace"]).toBe("t-1");
    const silent = new Aex({ logger: false, requestId: { echo: false } }).push(Logged);
    expect((await silent.inject().get("/quiet")).headers["x-request-id"]).toBeUndefined();
  });
});
