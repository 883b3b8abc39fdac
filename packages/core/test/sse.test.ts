import { request } from "node:http";
import { Aex, EventStream, get, HttpError, inject, sse, type AexRequest, type Scope } from "@aex/core";

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
