// @decorator-modes both: @sse routes.
import { request } from "node:http";
import { connect as connectH2, constants as h2constants } from "node:http2";
import { connect } from "node:net";
import { Aex, AexBunServer, EventStream, get, HttpError, inject, sse, type AexRequest, type Scope } from "@aex/core";
import { lineWhere, memoryLogger } from "./support/log-lines";

/** A feed of numbered ticks that resumes after the client's Last-Event-ID. */
class Feed {
  readonly closed: string[] = [];

  @sse("/feed", { heartbeat: 0 })
  feed(stream: EventStream, scope: Scope) {
    const from = Number(stream.lastEventId ?? 0);
    for (let n = from + 1; n <= from + 3; n++) stream.send("tick", { n, user: scope.inner.user }, String(n));
    stream.send("message", "two\nlines");
    void stream.closed.then(() => this.closed.push(stream.lastEventId ?? "first"));
  }

  @sse("/beat", { heartbeat: 10 })
  beat(stream: EventStream) {
    stream.send("ready", true);
  }

  @sse("/guarded")
  @inject((req: AexRequest) => {
    if (req.headers.authorization !== "yes") throw new HttpError(401, "No", { code: "FEED_LOGIN" });
  })
  guarded(stream: EventStream) {
    stream.send("in", null);
  }

  @get("/ok")
  ok(_req: AexRequest, res: { end(text: string): void }) {
    res.end("ok");
  }
}

function feedApp() {
  const feed = new Feed();
  const aex = new Aex();
  aex.use((_req, _res, scope) => void (scope.inner.user = "ada"));
  // Push the instance's class with the instance's state reachable from the test.
  class Bound extends Feed {
    override readonly closed = feed.closed;
  }
  aex.push(Bound);
  return { aex, feed };
}

describe("@sse(path)", () => {
  it("opens a text/event-stream and sends events with ids, after aex.use steps", async () => {
    const { aex } = feedApp();
    const stream = await aex.inject().sse("/feed");
    expect(stream.status).toBe(200);
    expect(stream.headers["content-type"]).toBe("text/event-stream; charset=utf-8");
    expect(stream.headers["cache-control"]).toBe("no-cache, no-transform");
    expect(await stream.next()).toEqual({ event: "tick", data: '{"n":1,"user":"ada"}', id: "1" });
    expect(await stream.next()).toEqual({ event: "tick", data: '{"n":2,"user":"ada"}', id: "2" });
    expect(await stream.next()).toEqual({ event: "tick", data: '{"n":3,"user":"ada"}', id: "3" });
    expect(await stream.next()).toEqual({ event: "message", data: "two\nlines" });
    stream.close();
    await aex.close();
  });

  it("passes Last-Event-ID to the handler when the client reconnects", async () => {
    const { aex } = feedApp();
    const client = aex.inject();
    const first = await client.sse("/feed");
    await first.next();
    await first.next();
    const { id } = await first.next();
    first.close();
    const again = await client.sse("/feed", { lastEventId: id });
    expect(await again.next()).toEqual({ event: "tick", data: '{"n":4,"user":"ada"}', id: "4" });
    again.close();
    await aex.close();
  });

  it("ends cleanly when the client disconnects", async () => {
    const { aex, feed } = feedApp();
    const stream = await aex.inject().sse("/feed", { lastEventId: "10" });
    await stream.next();
    stream.close();
    await stream.ended;
    // The server saw the disconnect: its stream's `closed` resolved.
    while (feed.closed.length === 0) await new Promise((resolve) => setImmediate(resolve));
    expect(feed.closed).toEqual(["10"]);
    expect((await aex.inject().get("/ok")).text()).toBe("ok");
    await aex.close();
  });

  it("ends open streams on aex.close()", async () => {
    const { aex } = feedApp();
    const stream = await aex.inject().sse("/feed");
    await stream.next();
    await aex.close();
    await stream.ended;
    expect(await stream.text()).toContain("id: 3");
  });

  it("ends open streams when the server stops accepting, so draining does not wait for them", async () => {
    // A real server: draining waits for open connections, and a stream cut at closeTimeout
    // (instead of ended) reaches the client as an aborted response, not as an end.
    const aex = new Aex({ logger: false, handleSignals: false, closeTimeout: 1000 }).push(Feed);
    await aex.start(0, "127.0.0.1");
    const text = await new Promise<string>((resolve, reject) => {
      const req = request({ host: "127.0.0.1", port: aex.port, path: "/feed" }, (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => {
          body += chunk;
          if (body.includes("two")) void aex.close();
        });
        res.on("end", () => resolve(body));
        res.on("aborted", () => reject(new Error("the stream was cut, not ended")));
        res.on("error", reject);
      });
      req.on("error", reject);
      req.end();
    });
    expect(text).toContain("id: 3");
    await aex.close();
    expect(aex.phase).toBe("closed");
  });

  it("sends heartbeat comments", async () => {
    const aex = new Aex().push(Feed);
    const stream = await aex.inject().sse("/beat");
    expect(await stream.next()).toEqual({ event: "ready", data: "true" });
    expect(await stream.nextComment()).toBe("heartbeat");
    stream.close();
    await aex.close();
  });

  it("lets a step refuse the stream with its status before it opens", async () => {
    const aex = new Aex().push(Feed);
    const refused = await aex.inject().sse("/guarded");
    expect(refused.status).toBe(401);
    expect(JSON.parse(await refused.text())).toMatchObject({ code: "FEED_LOGIN" });
    const ok = await aex.inject().sse("/guarded", { headers: { authorization: "yes" } });
    expect(await ok.next()).toEqual({ event: "in", data: "null" });
    ok.close();
    await aex.close();
  });
});

/** A feed that ignores backpressure, as a broadcast to many clients does: the cut must protect it. */
class Firehose {
  readonly cut: { closed: Promise<void>; socketClosed: Promise<void> }[] = [];

  @sse("/firehose", { heartbeat: 0, maxBuffered: 64 * 1024 })
  firehose(stream: EventStream) {
    const socket = stream.req.socket;
    this.cut.push({ closed: stream.closed, socketClosed: new Promise((resolve) => socket.once("close", resolve)) });
    const event = "x".repeat(16 * 1024);
    const pump = () => {
      if (!stream.open) return;
      stream.send("chunk", event);
      setImmediate(pump);
    };
    pump();
  }

  @sse("/resume", { heartbeat: 0 })
  resume(stream: EventStream) {
    stream.send("resumed", { after: stream.lastEventId ?? null });
    stream.end();
  }

  @get("/ok")
  ok(_req: AexRequest, res: { end(text: string): void }) {
    res.end("ok");
  }
}

/**
 * Sends `head` (request line and headers, without the final CRLF) on a raw socket; resolves
 * to the answer once the server closes, or once an event arrived (an event stream stays open).
 */
function rawAnswer(port: number, head: Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1", () =>
      socket.write(Buffer.concat([head, Buffer.from("\r\nConnection: close\r\n\r\n")])),
    );
    const chunks: Buffer[] = [];
    const text = () => Buffer.concat(chunks).toString("utf8");
    socket.on("data", (chunk: Buffer) => {
      chunks.push(chunk);
      if (/\ndata: .*\n\n/.test(text())) socket.destroy();
    });
    socket.on("error", reject);
    socket.on("close", () => resolve(text()));
  });
}

describe("@sse(path, { maxBuffered })", () => {
  it("regression: a client that stops reading is cut past maxBuffered, and its connection is freed", async () => {
    const { logger, lines } = memoryLogger();
    const app = new Firehose();
    class Bound extends Firehose {
      override readonly cut = app.cut;
    }
    const aex = new Aex({ logger, handleSignals: false }).push(Bound);
    await aex.start(0, "127.0.0.1");
    // A raw client that sends its request and then never reads: its kernel buffers fill,
    // then the server's. The server used to end() the response, which queued the end
    // behind the unread bytes and kept the connection (and the bytes) forever.
    const client = connect(aex.port!, "127.0.0.1");
    client.pause();
    client.write("GET /firehose HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    const clientClosed = new Promise<void>((resolve) => client.once("close", () => resolve()));
    client.on("error", () => {}); // the reset the cut sends
    while (app.cut.length === 0) await new Promise((resolve) => setImmediate(resolve));
    await app.cut[0].closed;
    await app.cut[0].socketClosed;
    // Bun.serve shows no connections, and cannot reset one: the stream is cut (its queue freed),
    // the connection closes once the client reads again (docs/runtimes.md).
    const server = aex.server;
    if (!(server instanceof AexBunServer)) {
      const open = await new Promise<number>((resolve, reject) =>
        server!.getConnections((error, count) => (error ? reject(error) : resolve(count))),
      );
      expect(open).toBe(0);
    }
    const warning = await lineWhere(lines, (line) => line.msg === "SSE client too slow: stream cut");
    expect(warning).toMatchObject({ level: 40, maxBuffered: 64 * 1024 });
    expect(warning.buffered as number).toBeGreaterThan(64 * 1024);
    // The client finds its connection gone once it reads again.
    const head: Buffer[] = [];
    client.on("data", (chunk: Buffer) => head.push(chunk));
    client.resume();
    await clientClosed;
    if (server instanceof AexBunServer) expect(server.pendingRequests).toBe(0);
    // What it read, if anything reached it before the reset, is the stream's head and events.
    if (head.length > 0) expect(Buffer.concat(head).toString("latin1")).toMatch(/^HTTP\/1\.1 200 /);
    // The server keeps serving.
    const ok = await rawAnswer(aex.port!, Buffer.from("GET /ok HTTP/1.1\r\nHost: 127.0.0.1"));
    expect(ok).toMatch(/^HTTP\/1\.1 200 /);
    expect(ok.endsWith("\r\n\r\nok")).toBe(true);
    await aex.close();
  });
});

describe("EventStream.lastEventId (Last-Event-ID)", () => {
  const aex = new Aex({ logger: false, handleSignals: false }).push(Firehose);
  beforeAll(() => aex.start(0, "127.0.0.1"));
  afterAll(() => aex.close());

  const resume = (value: Buffer) =>
    rawAnswer(
      aex.port!,
      Buffer.concat([Buffer.from("GET /resume HTTP/1.1\r\nHost: 127.0.0.1\r\nLast-Event-ID: "), value]),
    );

  it("is the id the server sent, also when it is not ASCII (a browser echoes it as UTF-8)", async () => {
    const answer = await resume(Buffer.from("café-7", "utf8"));
    expect(answer).toMatch(/^HTTP\/1\.1 200 /);
    expect(answer).toContain('data: {"after":"café-7"}');
    expect(await resume(Buffer.from("42\t43"))).toContain('data: {"after":"42\\t43"}');
  });

  it.each([
    ["over 1024 bytes", Buffer.from("7".repeat(1025))],
    ["not UTF-8", Buffer.from([0x37, 0xff, 0x37])],
    ["a truncated UTF-8 sequence", Buffer.from([0x37, 0xc3])],
  ])("regression: a Last-Event-ID %s is refused with 400 AEX_SSE_LAST_EVENT_ID", async (_what, value) => {
    const answer = await resume(value);
    expect(answer).toMatch(/^HTTP\/1\.1 400 /);
    expect(answer.toLowerCase()).toContain("content-type: application/problem+json");
    const problem = JSON.parse(answer.slice(answer.indexOf("\r\n\r\n") + 4)) as { status: number; code: string };
    expect(problem).toMatchObject({ status: 400, code: "AEX_SSE_LAST_EVENT_ID" });
  });

  it("regression: a Last-Event-ID with a control character or NUL never reaches the handler", async () => {
    // Node's and Bun's HTTP/1 parsers refuse these bytes in a header value with their own 400.
    for (const value of [Buffer.from("7\u00007"), Buffer.from("7\u00017"), Buffer.from("7\u007f7")]) {
      expect(await resume(value)).toMatch(/^HTTP\/1\.1 400 /);
    }
  });

  it("is 1024 bytes at most, and absent when empty", async () => {
    expect(await resume(Buffer.from("7".repeat(1024)))).toContain(`data: {"after":"${"7".repeat(1024)}"}`);
    expect(await resume(Buffer.alloc(0))).toContain('data: {"after":null}');
  });
});

describe("@sse(path, { maxBuffered }) over HTTP/2", () => {
  it("regression: a stream whose client stops reading is reset (CANCEL) past maxBuffered; the session keeps serving", async () => {
    const app = new Firehose();
    class Bound extends Firehose {
      override readonly cut = app.cut;
    }
    const aex = new Aex({ logger: false, handleSignals: false }).push(Bound);
    await aex.start(0, { host: "127.0.0.1", http2: true });
    const session = connectH2(`http://127.0.0.1:${aex.port}`);
    try {
      const stream = session.request({ ":path": "/firehose" });
      const status = new Promise<number>((resolve) =>
        stream.once("response", (head) => resolve(Number(head[":status"]))),
      );
      // Never read: the stream's flow-control window fills, then the server's buffer.
      stream.pause();
      stream.on("error", () => {});
      const closed = new Promise<number>((resolve) => stream.once("close", () => resolve(stream.rstCode ?? -1)));
      expect(await status).toBe(200);
      expect(await closed).toBe(h2constants.NGHTTP2_CANCEL);
      await app.cut[0].closed;
      // Only the stream was cut: the same session still serves.
      const ok = session.request({ ":path": "/ok" });
      const chunks: Buffer[] = [];
      ok.on("data", (chunk: Buffer) => chunks.push(chunk));
      const okStatus = await new Promise<number>((resolve) =>
        ok.once("response", (head) => resolve(Number(head[":status"]))),
      );
      await new Promise((resolve) => ok.once("end", resolve));
      expect(okStatus).toBe(200);
      expect(Buffer.concat(chunks).toString()).toBe("ok");
    } finally {
      session.close();
      await aex.close();
    }
  });
});
