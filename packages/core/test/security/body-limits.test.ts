import { connect } from "node:net";
import { Aex, body, formdata, post, type AexResponse, type AexServer, type Scope } from "@aex/core";
import { listen, send } from "../support/http";
import { streamBody } from "../support/stream-body";

/**
 * Writes `head`, then `bytes` `size` at a time (one by default) every `every` ms; resolves with
 * all the server answered.
 */
function trickle(base: string, head: string, bytes: string, every: number, size = 1): Promise<string> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let timer: NodeJS.Timeout | undefined;
    const socket = connect(Number(url.port), url.hostname, () => {
      socket.write(head);
      let i = 0;
      const next = () => {
        if (i < bytes.length && !socket.destroyed) {
          socket.write(bytes.slice(i, (i += size)));
          timer = setTimeout(next, every);
        }
      };
      if (bytes.length > 0) next();
    });
    socket.on("data", (chunk) => chunks.push(chunk));
    socket.on("error", reject);
    socket.on("close", () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks).toString("utf8"));
    });
  });
}

const codeOf = (text: string) => (JSON.parse(text.slice(text.indexOf("\r\n\r\n") + 4)) as { code: string }).code;

class Upload {
  @post("/json")
  @body("json", { limit: "1kb" })
  json(_req: unknown, res: AexResponse, scope: Scope) {
    res.json(scope.body);
  }

  @post("/vendor-json")
  @body("json", { limit: "1kb", type: "application/vnd.test+json" })
  vendorJson(_req: unknown, res: AexResponse, scope: Scope) {
    res.json(scope.body);
  }

  @post("/big-json")
  @body("json", { limit: "1mb" })
  bigJson(_req: unknown, res: AexResponse, scope: Scope) {
    res.json(scope.body);
  }

  @post("/form")
  @body("urlencoded", { limit: "1kb" })
  form(_req: unknown, res: AexResponse, scope: Scope) {
    res.json(scope.body);
  }

  @post("/text")
  @body("text", { limit: "1kb" })
  text(_req: unknown, res: AexResponse, scope: Scope) {
    res.json({ length: String(scope.body).length });
  }

  @post("/raw")
  @body("raw", { limit: "1kb" })
  raw(_req: unknown, res: AexResponse, scope: Scope) {
    res.json({ length: (scope.body as Buffer).length });
  }

  @post("/upload")
  @formdata({ limits: { fileSize: 1024 } })
  upload(_req: unknown, res: AexResponse, scope: Scope) {
    res.json({ files: Object.keys(scope.files) });
  }
}

describe("body limits (secure defaults)", () => {
  let aex: Aex;
  let base: string;

  beforeAll(async () => {
    aex = new Aex({ limits: { bodyIdleTimeout: 150, bodyTimeout: 600, lingerTimeout: 1000 } });
    aex.push(Upload);
    base = await listen(aex);
  });
  afterAll(() => aex.close());

  const MB4 = 4 * 1024 * 1024;
  const cases: [string, string, string][] = [
    ["/json", "application/json", "AEX_BODY_TOO_LARGE"],
    ["/vendor-json", "application/vnd.test+json", "AEX_BODY_TOO_LARGE"],
    ["/form", "application/x-www-form-urlencoded", "AEX_BODY_TOO_LARGE"],
    ["/text", "text/plain", "AEX_BODY_TOO_LARGE"],
    ["/raw", "application/octet-stream", "AEX_BODY_TOO_LARGE"],
  ];

  describe.each([true, false])("a 4 MB body over the limit (Content-Length: %s)", (contentLength) => {
    // Regression: the 413 was written and the socket reset while the client still sent (EPIPE).
    it.each(cases)("%s answers a readable 413 with Connection: close and no reset", async (path, type, code) => {
      const answer = await streamBody(base, path, { contentType: type, total: MB4, contentLength });
      expect(answer.errors).toEqual([]);
      expect(answer.status).toBe(413);
      expect(answer.headers.connection).toBe("close");
      expect(JSON.parse(answer.text)).toMatchObject({ status: 413, code });
    });

    it("a multipart file over its limit answers a readable 413 (AEX_FORMDATA_LIMIT)", async () => {
      const boundary = "----aexboundary";
      const answer = await streamBody(base, "/upload", {
        contentType: `multipart/form-data; boundary=${boundary}`,
        contentLength,
        total: MB4,
        head: `--${boundary}\r\nContent-Disposition: form-data; name="f"; filename="a.bin"\r\nContent-Type: application/octet-stream\r\n\r\n`,
        tail: `\r\n--${boundary}--\r\n`,
      });
      expect(answer.errors).toEqual([]);
      expect(answer.status).toBe(413);
      expect(answer.headers.connection).toBe("close");
      expect(JSON.parse(answer.text)).toMatchObject({ code: "AEX_FORMDATA_LIMIT" });
    });
  });

  it("the server keeps serving after refusing bodies", async () => {
    const res = await send(base, "POST", "/json", { headers: { "content-type": "application/json" }, body: '{"a":1}' });
    expect(res.status).toBe(200);
    expect(res.json()).toEqual({ a: 1 });
  });

  describe("JSON depth (limits.jsonDepth, default 64)", () => {
    const deep = (n: number) => "[".repeat(n) + "]".repeat(n);

    // Regression: JSON nested 10,000 levels deep answered 500 (stack overflow).
    it.each(["/big-json", "/vendor-json"])("%s: 10,000 levels answer 400 AEX_BODY_TOO_DEEP", async (path) => {
      const type = path === "/big-json" ? "application/json" : "application/vnd.test+json";
      const text = path === "/big-json" ? deep(10_000) : deep(500);
      const res = await send(base, "POST", path, { headers: { "content-type": type }, body: text });
      expect(res.status).toBe(400);
      expect(res.json()).toMatchObject({ status: 400, code: "AEX_BODY_TOO_DEEP" });
    });

    it("64 levels pass, 65 do not; brackets inside strings do not count", async () => {
      const ok = await send(base, "POST", "/big-json", {
        headers: { "content-type": "application/json" },
        body: deep(64),
      });
      expect(ok.status).toBe(200);
      const strings = await send(base, "POST", "/big-json", {
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ s: "[".repeat(500) }),
      });
      expect(strings.status).toBe(200);
      expect(strings.json()).toEqual({ s: "[".repeat(500) });
      // Many brackets, little depth: 300 objects side by side are 2 levels.
      const wide = await send(base, "POST", "/big-json", {
        headers: { "content-type": "application/json" },
        body: JSON.stringify(Array.from({ length: 300 }, (_, i) => ({ i }))),
      });
      expect(wide.status).toBe(200);
      expect(wide.json()).toHaveLength(300);
      const over = await send(base, "POST", "/big-json", {
        headers: { "content-type": "application/json" },
        body: deep(65),
      });
      expect(over.status).toBe(400);
      expect(over.json()).toMatchObject({ code: "AEX_BODY_TOO_DEEP" });
    });

    it("new Aex({ limits: { jsonDepth } }) and @body('json', { depth }) change it", async () => {
      class Shallow {
        @post("/app")
        @body("json")
        app(_req: unknown, res: AexResponse, scope: Scope) {
          res.json(scope.body);
        }

        @post("/route")
        @body("json", { depth: 5 })
        route(_req: unknown, res: AexResponse, scope: Scope) {
          res.json(scope.body);
        }
      }
      const small = new Aex({ limits: { jsonDepth: 2 } }).push(Shallow);
      const url = await listen(small);
      try {
        const headers = { "content-type": "application/json" };
        expect((await send(url, "POST", "/app", { headers, body: deep(2) })).status).toBe(200);
        const refused = await send(url, "POST", "/app", { headers, body: deep(3) });
        expect(refused.status).toBe(400);
        expect(refused.json()).toMatchObject({ code: "AEX_BODY_TOO_DEEP" });
        expect((await send(url, "POST", "/route", { headers, body: deep(5) })).status).toBe(200);
      } finally {
        await small.close();
      }
    });
  });

  describe("body timeouts (limits.bodyIdleTimeout, limits.bodyTimeout)", () => {
    // Regression: a client sending a body one byte at a time kept its connection > 120 s.
    it("a body that stalls answers 408 AEX_BODY_TIMEOUT and closes", async () => {
      const head = "POST /json HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n";
      const text = await trickle(base, head + '{"a":', "", 0);
      expect(text).toMatch(/^HTTP\/1\.1 408 /);
      expect(text).toMatch(/\r\nConnection: close\r\n/i);
      expect(codeOf(text)).toBe("AEX_BODY_TIMEOUT");
    });

    it("a body sent one byte at a time answers 408 once bodyTimeout passed", async () => {
      const head =
        "POST /form HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\n";
      const text = await trickle(base, head, "a".repeat(1000), 50);
      expect(text).toMatch(/^HTTP\/1\.1 408 /);
      expect(codeOf(text)).toBe("AEX_BODY_TIMEOUT");
    });

    // Bun.serve and aex.fetch hand a small JSON body to the reader whole, in one call: the
    // clock must run while that call waits, as it does between chunks on node.
    it("a small JSON body sent one byte at a time answers 408 once bodyTimeout passed", async () => {
      const json = `{"a":"${"x".repeat(992)}"}`;
      const head = `POST /json HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${json.length}\r\n\r\n`;
      const text = await trickle(base, head, json, 50);
      expect(text).toMatch(/^HTTP\/1\.1 408 /);
      expect(text).toMatch(/\r\nConnection: close\r\n/i);
      expect(codeOf(text)).toBe("AEX_BODY_TIMEOUT");
      // The server keeps serving, and a JSON body sent at once is read whole.
      const after = await send(base, "POST", "/json", { headers: { "content-type": "application/json" }, body: json });
      expect(after.status).toBe(200);
      expect(after.json()).toEqual({ a: "x".repeat(992) });
    });

    // Regression: Bun.serve and aex.fetch read every body up to 64 KiB in one call, which the
    // guard saw nothing of until the end: 60 KB sent steadily over 12 s got a 408 after 10 s.
    it("a body that keeps coming outlives bodyIdleTimeout: 20 KB in chunks, over more than the idle limit", async () => {
      const steady = new Aex({ limits: { bodyIdleTimeout: 200, bodyTimeout: 10_000 } }).push(Upload);
      const steadyBase = await listen(steady);
      try {
        const json = `{"a":"${"x".repeat(20_000)}"}`;
        const head = `POST /big-json HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${json.length}\r\nConnection: close\r\n\r\n`;
        const started = Date.now();
        const text = await trickle(steadyBase, head, json, 60, Math.ceil(json.length / 10));
        // The chunks took longer than the idle limit in all, never that long apart.
        expect(Date.now() - started).toBeGreaterThan(400);
        expect(text).toMatch(/^HTTP\/1\.1 200 /);
        expect(JSON.parse(text.slice(text.indexOf("\r\n\r\n") + 4))).toEqual({ a: "x".repeat(20_000) });
      } finally {
        await steady.close();
      }
    });

    it("each app's reads keep their own limits: a patient app's stalled body outlives an impatient one's", async () => {
      const patient = new Aex({ limits: { bodyIdleTimeout: 60_000, bodyTimeout: 120_000 } }).push(Upload);
      const patientBase = await listen(patient);
      const url = new URL(patientBase);
      const received: Buffer[] = [];
      let closed = false;
      const waiting = connect(Number(url.port), url.hostname, () =>
        waiting.write(
          "POST /json HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{",
        ),
      );
      waiting.on("data", (chunk) => received.push(chunk));
      waiting.on("close", () => (closed = true));
      try {
        await new Promise((resolve) => waiting.once("connect", resolve));
        // The impatient app (150 ms idle) refuses its own stalled body meanwhile.
        const head = "POST /json HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n";
        expect(codeOf(await trickle(base, head + "{", "", 0))).toBe("AEX_BODY_TIMEOUT");
        expect(received).toEqual([]);
        expect(closed).toBe(false);
        // Its body finished, the patient app answers it.
        waiting.write(`"a":"${"x".repeat(92)}"}`);
        await new Promise((resolve) => waiting.once("data", resolve));
        expect(Buffer.concat(received).toString()).toMatch(/^HTTP\/1\.1 200 /);
      } finally {
        waiting.destroy();
        await patient.close();
      }
    });

    it("a multipart body that stalls answers 408", async () => {
      const boundary = "b";
      const head =
        `POST /upload HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=${boundary}\r\n` +
        `Content-Length: 10000\r\n\r\n--${boundary}\r\nContent-Disposition: form-data; name="x"\r\n\r\nabc`;
      const text = await trickle(base, head, "", 0);
      expect(text).toMatch(/^HTTP\/1\.1 408 /);
      expect(codeOf(text)).toBe("AEX_BODY_TIMEOUT");
    });
  });
});

describe("node server timeouts (defaults)", () => {
  it("headersTimeout is 20 s and requestTimeout 60 s unless set", async () => {
    const aex = new Aex();
    // node:http's own timeouts: on Bun, Bun.serve has none (its idleTimeout, docs/runtimes.md).
    await listen(aex, "node");
    try {
      expect((aex.server as AexServer).headersTimeout).toBe(20_000);
      expect((aex.server as AexServer).requestTimeout).toBe(60_000);
    } finally {
      await aex.close();
    }
  });

  it("new Aex({ server: { headersTimeout } }): slow headers get node's 408", async () => {
    const aex = new Aex({ server: { headersTimeout: 200, requestTimeout: 400 } });
    const base = await listen(aex, "node");
    try {
      expect((aex.server as AexServer).headersTimeout).toBe(200);
      const text = await trickle(base, "GET / HTTP/1.1\r\nHost: x\r\n", "", 0);
      expect(text).toMatch(/^HTTP\/1\.1 408 /);
    } finally {
      await aex.close();
    }
  });
});
