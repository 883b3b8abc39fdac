import { Aex, get, HttpError, inject, post } from "@aex/core";
import { get as httpGet, listen, send } from "./support/http";

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

  @get("/later")
  later(_req: any, res: any) {
    setTimeout(() => res.end("answered later"), 30);
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

  it("answers an HttpError with its status, code, headers and message", async () => {
    const res = await httpGet(base, "/http-error");
    expect(res.status).toBe(403);
    expect(res.headers["x-reason"]).toBe("role");
    expect(res.json()).toEqual({ statusCode: 403, error: "Forbidden", message: "Only admins", code: "NOT_ADMIN" });
  });

  it("answers any other error with a 500 that leaks neither message nor stack", async () => {
    for (const path of ["/crash", "/reject", "/throw-string"]) {
      const res = await httpGet(base, path);
      expect(res.status).toBe(500);
      expect(res.json()).toEqual({ statusCode: 500, error: "Internal Server Error", message: "Internal Server Error" });
    }
  });

  it("keeps the status of other libraries' errors", async () => {
    const res = await httpGet(base, "/status-error");
    expect(res.status).toBe(413);
    expect(res.json()).toEqual({
      statusCode: 413,
      error: "Payload Too Large",
      message: "payload too large",
      code: "entity.too.large",
    });
  });

  it("answers errors thrown by steps", async () => {
    const res = await httpGet(base, "/step-error");
    expect(res.status).toBe(401);
    expect(res.json()).toMatchObject({ statusCode: 401, message: "No token" });
  });

  it("cuts a response that failed after its headers went out", async () => {
    await expect(httpGet(base, "/half-written")).rejects.toThrow();
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
      statusCode: 503,
      error: "Service Unavailable",
      message: "The request was not answered in time",
      code: "AEX_HANDLER_TIMEOUT",
    });
  });

  it("never ends a response itself when the handler answers after returning", async () => {
    const res = await httpGet(base, "/later");
    expect(res.status).toBe(200);
    expect(res.text).toBe("answered later");
  });

  it("keeps serving after all of the above", async () => {
    expect((await send(base, "POST", "/ok")).text).toBe("ok");
  });
});

describe("errors in development", () => {
  it("shows the message and stack of a 500", async () => {
    const aex = new Aex({ production: false }).push(Faults);
    const base = await listen(aex);
    try {
      const res = await httpGet(base, "/crash");
      expect(res.status).toBe(500);
      const body = res.json<{ message: string; stack: string }>();
      expect(body.message).toBe("database password is hunter2");
      expect(body.stack).toContain("Error: database password is hunter2");
    } finally {
      await aex.close();
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
      expect(unanswered.json()).toMatchObject({ statusCode: 500 });
      const broken = await httpGet(base, "/reject");
      expect(broken.status).toBe(500);
      expect(broken.json()).toMatchObject({ statusCode: 500 });
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
    const base = await listen(aex);
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
