import { Aex, AexBunServer, get, HttpError, inject, post, type AexRequest, type AexResponse } from "@aex/core";
import { connect } from "node:net";
import { get as httpGet, listen, raw, send } from "./support/http";

/** What a raw socket receives until the server resets or closes it. */
function rawUntilReset(base: string, bytes: string): Promise<string> {
  const url = new URL(base);
  return new Promise((resolve) => {
    const socket = connect(Number(url.port), url.hostname, () => socket.write(bytes));
    let text = "";
    socket.on("data", (chunk: Buffer) => (text += chunk.toString("utf8")));
    socket.on("error", () => undefined);
    socket.on("close", () => resolve(text));
  });
}

class Faults {
  @get("/http-error")
  httpError() {
    throw new HttpError(403, "Only admins", { code: "NOT_ADMIN", headers: { "X-Reason": "role" } });
  }

  @get("/crash")
  crash() {
    throw new Error("database password is hunter2");
  }

  @get("/reject")
  async reject() {
    await new Promise((resolve) => setImmediate(resolve));
    throw new TypeError("async failure");
  }

  @get("/status-error")
  statusError() {
    throw Object.assign(new Error("payload too large"), { status: 413, expose: true, type: "entity.too.large" });
  }

  @get("/step-error")
  @inject(async () => {
    throw new HttpError(401, "No token");
  })
  stepError(_req: any, res: any) {
    res.end("never");
  }

  @get("/throw-string")
  throwString() {
    throw "plain string";
  }

  @get("/half-written")
  halfWritten(_req: any, res: any) {
    res.write("partial");
    throw new Error("failed mid-stream");
  }

  @get("/write-after-end")
  writeAfterEnd(_req: any, res: any) {
    res.end("done");
    res.write("too late");
  }

  @get("/never")
  never() {
    // Never answers: the handler timeout must.
  }

  @post("/ok")
  ok(_req: any, res: any) {
    res.end("ok");
  }
}

describe("errors in production", () => {
  let aex: Aex;
  let base: string;
  beforeAll(async () => {
    aex = new Aex({ production: true, handlerTimeout: 200 }).push(Faults);
    base = await listen(aex);
  });
  afterAll(() => aex.close());

  it("answers an HttpError with its status, code, headers and message as problem+json", async () => {
    const res = await httpGet(base, "/http-error");
    expect(res.status).toBe(403);
    expect(res.headers["x-reason"]).toBe("role");
    expect(res.headers["content-type"]).toBe("application/problem+json; charset=utf-8");
    expect(res.json()).toEqual({
      type: "about:blank",
      title: "Forbidden",
      status: 403,
      detail: "Only admins",
      instance: "/http-error",
      code: "NOT_ADMIN",
      requestId: res.headers["x-request-id"],
    });
  });

  it("answers any other error with a 500 that leaks neither message nor stack", async () => {
    for (const path of ["/crash", "/reject", "/throw-string"]) {
      const res = await httpGet(base, path);
      expect(res.status).toBe(500);
      expect(res.json()).toEqual({
        type: "about:blank",
        title: "Internal Server Error",
        status: 500,
        instance: path,
        code: "AEX_INTERNAL",
        requestId: res.headers["x-request-id"],
      });
    }
  });

  it("keeps the status of other libraries' errors", async () => {
    const res = await httpGet(base, "/status-error");
    expect(res.status).toBe(413);
    expect(res.json()).toEqual({
      type: "about:blank",
      title: "Payload Too Large",
      status: 413,
      detail: "payload too large",
      instance: "/status-error",
      code: "entity.too.large",
      requestId: res.headers["x-request-id"],
    });
  });

  it("answers errors thrown by steps", async () => {
    const res = await httpGet(base, "/step-error");
    expect(res.status).toBe(401);
    expect(res.json()).toMatchObject({ status: 401, detail: "No token" });
  });

  it("cuts a response that failed after its headers went out", async () => {
    // The head and "partial" were written, then the error destroyed the socket. Node destroys
    // it before its corked head leaves (nothing arrives: "socket hang up"); Bun sends the head
    // and "partial" first (the response is "aborted"). Either way the chunked body never gets
    // its last chunk, so no client can take it for a whole answer. Bun.serve resets the
    // connection after "partial" (ECONNRESET, which Bun's HTTP client also throws unhandled).
    const bunServe = aex.server instanceof AexBunServer;
    if (!bunServe) await expect(httpGet(base, "/half-written")).rejects.toThrow(/^(socket hang up|aborted)$/);
    const request = "GET /half-written HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    const bytes = bunServe ? await rawUntilReset(base, request) : await raw(base, request);
    if (bytes !== "") expect(bytes).toMatch(/^HTTP\/1\.1 200 OK\r\n[\s\S]*\r\n\r\n7\r\npartial\r\n$/);
    expect(bytes).not.toContain("0\r\n\r\n");
    expect((await send(base, "POST", "/ok")).text).toBe("ok");
  });

  it("survives a write after end", async () => {
    expect((await httpGet(base, "/write-after-end")).text).toBe("done");
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect((await send(base, "POST", "/ok")).text).toBe("ok");
  });

  it("answers 503 when a handler never answers", async () => {
    const res = await httpGet(base, "/never");
    expect(res.status).toBe(503);
    expect(res.json()).toEqual({
      type: "about:blank",
      title: "Service Unavailable",
      status: 503,
      detail: "The request was not answered in time",
      instance: "/never",
      code: "AEX_HANDLER_TIMEOUT",
      requestId: res.headers["x-request-id"],
    });
  });

  it("keeps serving after all of the above", async () => {
    expect((await send(base, "POST", "/ok")).text).toBe("ok");
  });
});

describe("a handler that answers after returning", () => {
  it("never has its response ended by Aex when it returned", async () => {
    let returned!: () => void;
    const handlerReturned = new Promise<void>((resolve) => (returned = resolve));
    const pending: AexResponse[] = [];
    class Later {
      @get("/later")
      later(_req: AexRequest, res: AexResponse) {
        pending.push(res);
        setImmediate(returned); // after the handler's return has been seen by the pipeline
      }
    }
    // No handler timeout can fire first on a stalled machine: the answer waits on an event.
    const aex = new Aex({ production: true, handlerTimeout: 30_000 }).push(Later);
    const base = await listen(aex);
    try {
      const answer = httpGet(base, "/later");
      await handlerReturned;
      pending[0].end("answered later");
      const res = await answer;
      expect(res.status).toBe(200);
      expect(res.text).toBe("answered later");
    } finally {
      await aex.close();
    }
  });
});

describe("errors in development", () => {
  it("shows the message and stack of a 500 with new Aex({ dev: true })", async () => {
    const aex = new Aex({ dev: true, logger: false }).push(Faults);
    const base = await listen(aex);
    try {
      const res = await httpGet(base, "/crash");
      expect(res.status).toBe(500);
      const body = res.json<{ detail: string; stack: string; code: string }>();
      expect(body.code).toBe("AEX_INTERNAL");
      expect(body.detail).toBe("database password is hunter2");
      expect(body.stack).toContain("Error: database password is hunter2");
    } finally {
      await aex.close();
    }
  });

  it("shows them under NODE_ENV=development", async () => {
    const before = process.env.NODE_ENV;
    process.env.NODE_ENV = "development";
    const aex = new Aex({ logger: false }).push(Faults);
    process.env.NODE_ENV = before;
    const res = await aex.inject().get("/crash");
    expect(res.status).toBe(500);
    expect(res.json<{ stack: string }>().stack).toContain("hunter2");
  });

  // Regression (issue 13): error bodies carried stacks whenever NODE_ENV was not "production".
  it("keeps stacks and internal messages out of responses unless dev is opted in", async () => {
    for (const options of [{}, { production: false }, { production: true, dev: false }]) {
      const aex = new Aex({ ...options, logger: false }).push(Faults);
      const res = await aex.inject().get("/crash");
      expect(res.status).toBe(500);
      expect(res.text()).not.toContain("hunter2");
      expect(res.text()).not.toContain("stack");
      expect(res.json()).toMatchObject({ status: 500, code: "AEX_INTERNAL" });
    }
  });
});

describe("aex.setErrorHandler(handler)", () => {
  it("lets the app answer errors, and falls back when the handler does not answer or throws", async () => {
    const aex = new Aex({ production: true }).push(Faults);
    aex.setErrorHandler((error, req, res) => {
      if (req.url === "/http-error") res.status(error.status).send(`custom ${error.status}: ${error.message}`);
      if (req.url === "/reject") throw new Error("handler broke");
    });
    const base = await listen(aex);
    try {
      const custom = await httpGet(base, "/http-error");
      expect(custom.status).toBe(403);
      expect(custom.text).toBe("custom 403: Only admins");
      const unanswered = await httpGet(base, "/crash");
      expect(unanswered.status).toBe(500);
      expect(unanswered.json()).toMatchObject({ status: 500, code: "AEX_INTERNAL" });
      const broken = await httpGet(base, "/reject");
      expect(broken.status).toBe(500);
      expect(broken.json()).toMatchObject({ status: 500, code: "AEX_INTERNAL" });
    } finally {
      await aex.close();
    }
  });
});

describe("HttpError", () => {
  it("exposes messages below 500 only, and clamps invalid statuses to 500", () => {
    expect(new HttpError(404).expose).toBe(true);
    expect(new HttpError(404).message).toBe("Not Found");
    expect(new HttpError(502).expose).toBe(false);
    expect(new HttpError(200 as number).status).toBe(500);
  });
});

describe("limits of node's HTTP parser", () => {
  it("answers 431 for headers over maxHeaderSize and keeps serving", async () => {
    const aex = new Aex({ server: { maxHeaderSize: 1024 } }).push(Faults);
    // node:http's maxHeaderSize: Bun.serve's limit is its own (16 KiB, docs/runtimes.md).
    const base = await listen(aex, "node");
    try {
      await expect(send(base, "POST", "/ok", { headers: { "x-big": "y".repeat(2048) } })).resolves.toMatchObject({
        status: 431,
      });
      expect((await send(base, "POST", "/ok")).text).toBe("ok");
    } finally {
      await aex.close();
    }
  });
});
