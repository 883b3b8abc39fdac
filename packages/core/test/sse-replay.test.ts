// @decorator-modes both: @sse(path, { replay }) routes.
// Resumable SSE (issue 29): a bounded replay log per channel, ids the store assigns; a
// client that reconnects with Last-Event-ID gets what it missed, then live events, in order
// and none twice; an id the log cannot serve gets a `refetch` event.
import { request } from "node:http";
import { connect } from "node:net";
import {
  Aex,
  AexError,
  EventStream,
  MemoryReplayStore,
  REFETCH_EVENT,
  sse,
  type ReplayStore,
  type Scope,
} from "@aex/core";
import { FanOut } from "@aex/core/plugin";
import type { TestEvent, TestEventStream } from "@aex/core/testing";
import { lineWhere, memoryLogger } from "./support/log-lines";

function newsApp(store: ReplayStore) {
  class News {
    @sse("/news", { heartbeat: 0, replay: store })
    news(stream: EventStream) {
      // Runs once the stream caught up: after the missed events, before the live ones.
      stream.send("caught-up", { lastEventId: stream.lastEventId ?? null });
    }

    @sse("/rooms/:room", { heartbeat: 0, replay: { store, channel: (scope: Scope) => `room:${scope.params.room}` } })
    room(_stream: EventStream) {}
  }
  return new Aex().push(News);
}

const event = (id: string, name: string, data: unknown): TestEvent => ({ event: name, data: JSON.stringify(data), id });

/** The raw bytes of a stream until `until` appears in them (the id-only cursor is not an event). */
function rawStream(base: string, path: string, until: string, headers: Record<string, string> = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const url = new URL(path, base);
    const req = request({ host: url.hostname, port: url.port, path: url.pathname, headers, agent: false }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        text += chunk;
        if (text.includes(until)) {
          req.destroy();
          resolve(text);
        }
      });
    });
    req.on("error", (error) => (error.message === "socket hang up" ? undefined : reject(error)));
    req.end();
  });
}

async function collect(stream: TestEventStream, count: number): Promise<TestEvent[]> {
  const events: TestEvent[] = [];
  while (events.length < count) events.push(await stream.next());
  return events;
}

describe("@sse(path, { replay }) with a MemoryReplayStore", () => {
  it("a new client gets no history, the log's newest id as its cursor, then live events", async () => {
    const store = new MemoryReplayStore();
    const aex = newsApp(store);
    await store.publish("/news", "headline", { n: 1 });
    await store.publish("/news", "headline", { n: 2 });
    await aex.start(0, "127.0.0.1");
    try {
      // The cursor is `id: 2` with no data: a browser takes it as its Last-Event-ID, dispatches nothing.
      const raw = await rawStream(`http://127.0.0.1:${aex.port}`, "/news", "caught-up");
      expect(raw).toBe('id: 2\n\nevent: caught-up\ndata: {"lastEventId":null}\n\n');

      const stream = await aex.inject().sse("/news");
      expect(stream.status).toBe(200);
      expect(await stream.next()).toEqual({ event: "caught-up", data: '{"lastEventId":null}' });
      expect(await store.publish("/news", "headline", { n: 3 })).toBe("3");
      expect(await stream.next()).toEqual(event("3", "headline", { n: 3 }));
      stream.close();
    } finally {
      await aex.close();
    }
  });

  it("a client that reconnects with Last-Event-ID gets what it missed, then live events, in order", async () => {
    const store = new MemoryReplayStore();
    const aex = newsApp(store);
    for (let n = 1; n <= 5; n++) await store.publish("/news", "headline", { n });
    const stream = await aex.inject().sse("/news", { lastEventId: "2" });
    expect(await collect(stream, 4)).toEqual([
      event("3", "headline", { n: 3 }),
      event("4", "headline", { n: 4 }),
      event("5", "headline", { n: 5 }),
      { event: "caught-up", data: '{"lastEventId":"2"}' },
    ]);
    await store.publish("/news", "message", "plain text\nover two lines");
    expect(await stream.next()).toEqual({ event: "message", data: "plain text\nover two lines", id: "6" });
    stream.close();
    await aex.close();
  });

  it("regression: a backlog larger than maxBuffered reaches a reconnecting client whole (it was cut before its first byte, forever)", async () => {
    const store = new MemoryReplayStore();
    const aex = newsApp(store);
    await aex.start(0, "127.0.0.1");
    try {
      const text = "x".repeat(2048);
      for (let n = 1; n <= 1000; n++) await store.publish("/news", "headline", { n, text });
      // 999 missed events of ~2 KB: about 2 MB, twice the default maxBuffered (1 MiB), over a real socket.
      const raw = await rawStream(`http://127.0.0.1:${aex.port}`, "/news", "event: caught-up", {
        "last-event-id": "1",
      });
      const ids = [...raw.matchAll(/^id: (\d+)$/gm)].map((m) => Number(m[1]));
      expect(ids).toEqual(Array.from({ length: 999 }, (_, i) => i + 2));
      expect(raw).toContain('data: {"lastEventId":"1"}');
    } finally {
      await aex.close();
    }
  });

  it("events published while a client catches up arrive once each, in order", async () => {
    const store = new MemoryReplayStore();
    const aex = newsApp(store);
    for (let n = 1; n <= 3; n++) await store.publish("/news", "headline", { n });
    // Published in the same turns as the stream opens: some reach it live, some from the log.
    const opening = aex.inject().sse("/news", { lastEventId: "1" });
    const publishing = (async () => {
      for (let n = 4; n <= 40; n++) {
        await store.publish("/news", "headline", { n });
        await new Promise((resolve) => setImmediate(resolve));
      }
    })();
    const stream = await opening;
    await publishing;
    const events = (await collect(stream, 40)).filter((e) => e.event === "headline");
    expect(events.map((e) => e.id)).toEqual(Array.from({ length: 39 }, (_, i) => String(i + 2)));
    stream.close();
    await aex.close();
  });

  it("an id older than the log gets `refetch` (trimmed) with the newest id, then live events", async () => {
    const store = new MemoryReplayStore({ size: 3 });
    const aex = newsApp(store);
    for (let n = 1; n <= 6; n++) await store.publish("/news", "headline", { n });
    expect(REFETCH_EVENT).toBe("refetch");
    // The oldest kept is 4: a client at 3 misses nothing, a client at 2 missed event 3.
    const atThree = await aex.inject().sse("/news", { lastEventId: "3" });
    expect((await collect(atThree, 3)).map((e) => e.id)).toEqual(["4", "5", "6"]);
    atThree.close();
    const stream = await aex.inject().sse("/news", { lastEventId: "2" });
    expect(await stream.next()).toEqual({
      event: "refetch",
      data: '{"reason":"trimmed","lastEventId":"2"}',
      id: "6",
    });
    expect(await stream.next()).toEqual({ event: "caught-up", data: '{"lastEventId":"2"}' });
    await store.publish("/news", "headline", { n: 7 });
    expect(await stream.next()).toEqual(event("7", "headline", { n: 7 }));
    stream.close();
    await aex.close();
  });

  it("an id this log never gave (from the future, another log, not an id) gets `refetch` (unknown)", async () => {
    const store = new MemoryReplayStore();
    const aex = newsApp(store);
    await store.publish("/news", "headline", { n: 1 });
    for (const lastEventId of ["99", "1796590331963-0", "abc", "-1"]) {
      const stream = await aex.inject().sse("/news", { lastEventId });
      expect(await stream.next()).toEqual({
        event: "refetch",
        data: JSON.stringify({ reason: "unknown", lastEventId }),
        id: "1",
      });
      stream.close();
    }
    await aex.close();
  });

  it("keeps one log per channel: `channel` maps a request to its channel", async () => {
    const store = new MemoryReplayStore();
    const aex = newsApp(store);
    const red = await aex.inject().sse("/rooms/red");
    const blue = await aex.inject().sse("/rooms/blue", { lastEventId: "0" });
    await store.publish("room:blue", "said", { text: "to blue" });
    await store.publish("room:red", "said", { text: "to red" });
    expect(await red.next()).toEqual(event("1", "said", { text: "to red" }));
    expect(await blue.next()).toEqual(event("1", "said", { text: "to blue" }));
    red.close();
    blue.close();
    await aex.close();
  });

  it("stops following a channel once its last stream closed", async () => {
    const store = new MemoryReplayStore();
    const aex = newsApp(store);
    const stream = await aex.inject().sse("/rooms/green");
    await store.publish("room:green", "said", 1);
    expect(await stream.next()).toEqual(event("1", "said", 1));
    stream.close();
    await stream.ended;
    // The app's feed unsubscribed: the store has no listener left for the channel.
    const listeners = (store as unknown as { logs: Map<string, { listeners: Set<unknown> }> }).logs.get(
      "room:green",
    )!.listeners;
    for (let i = 0; i < 100 && listeners.size > 0; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(listeners.size).toBe(0);
    await aex.close();
  });

  it("regression: a stream that fails once the log answered is not taken for the log's failure (nor opened twice)", async () => {
    const store = new MemoryReplayStore();
    // A store of someone's own that answers a malformed read: the failure comes once the stream is open.
    const broken: ReplayStore = Object.assign(Object.create(store) as ReplayStore, {
      read: async (channel: string, lastEventId: string | undefined) => ({
        ...(await store.read(channel, lastEventId)),
        entries: null,
      }),
    });
    const { logger, lines } = memoryLogger();
    class Feed {
      @sse("/feed", { heartbeat: 0, replay: broken })
      feed(_stream: EventStream) {}
    }
    const aex = new Aex({ logger }).push(Feed);
    await store.publish("/feed", "headline", 1);
    await store.publish("/feed", "headline", 2);
    await aex.start(0, "127.0.0.1");
    try {
      await new Promise<void>((resolve) => {
        const req = request(
          { host: "127.0.0.1", port: aex.port, path: "/feed", headers: { "last-event-id": "1" } },
          (res) => {
            expect(res.statusCode).toBe(200);
            res.resume();
            res.on("close", () => resolve());
          },
        );
        req.on("error", () => resolve());
        req.end();
      });
      const failure = await lineWhere(lines, (l) => l.level >= 50);
      expect(JSON.stringify(failure.err)).toMatch(/TypeError/);
      expect(lines.some((l) => l.msg?.startsWith("SSE replay log unavailable"))).toBe(false);
      expect(JSON.stringify(lines)).not.toContain("ERR_HTTP_HEADERS_SENT");
    } finally {
      await aex.close();
    }
  });

  it("refuses a replay option that is not a store: AEX_ERR_DECORATOR_ARGS", () => {
    expect(() => sse("/x", { replay: {} as ReplayStore })).toThrow(AexError);
    expect(() => sse("/x", { replay: { store: 1 } as unknown as ReplayStore })).toThrow(
      expect.objectContaining({ code: "AEX_ERR_DECORATOR_ARGS" }),
    );
    expect(() => sse("/x", { replay: { store: new MemoryReplayStore(), channel: 7 as unknown as string } })).toThrow(
      expect.objectContaining({ code: "AEX_ERR_DECORATOR_ARGS" }),
    );
  });

  it("still refuses a Last-Event-ID no browser sends: 400 AEX_SSE_LAST_EVENT_ID before the stream opens", async () => {
    const aex = newsApp(new MemoryReplayStore());
    const stream = await aex.inject().sse("/news", { lastEventId: "x".repeat(1025) });
    expect(stream.status).toBe(400);
    expect(JSON.parse(await stream.text())).toMatchObject({ status: 400, code: "AEX_SSE_LAST_EVENT_ID" });
    await aex.close();
  });
});

describe("backpressure and fan-out (issue 29)", () => {
  it("a client that stops reading never holds the others: they get every event, it is cut at maxBuffered", async () => {
    const store = new MemoryReplayStore({ size: 1_000 });
    const streams: EventStream[] = [];
    class Firehose {
      @sse("/firehose", { heartbeat: 0, maxBuffered: 64 * 1024, replay: { store, channel: "hose" } })
      hose(stream: EventStream) {
        streams.push(stream);
      }
    }
    const aex = new Aex().push(Firehose);
    await aex.start(0, "127.0.0.1");
    try {
      // A raw client that sends its request, then never reads.
      const stalled = connect(aex.port!, "127.0.0.1");
      stalled.pause();
      stalled.on("error", () => undefined); // the reset of the cut
      const stalledClosed = new Promise<void>((resolve) => stalled.once("close", () => resolve()));
      stalled.write("GET /firehose HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
      while (streams.length === 0) await new Promise((resolve) => setImmediate(resolve));
      const reader = await aex.inject().sse("/firehose", { lastEventId: "0" });
      const big = "x".repeat(64 * 1024);
      // Until the stalled client is cut: the kernel's buffers fill (megabytes on loopback),
      // then the server's, past 64 KiB. The reader gets every event meanwhile.
      let n = 0;
      while (streams[0]!.open && n < 2_000) {
        const id = await store.publish("hose", "chunk", { n: ++n, big });
        expect((await reader.next()).id).toBe(id);
      }
      expect(streams[0]!.open).toBe(false);
      expect(n).toBeLessThan(2_000);
      // Its connection was reset: the client sees it closed once it reads again.
      stalled.resume();
      await stalledClosed;
      // The reader goes on.
      const after = await store.publish("hose", "chunk", { n: ++n });
      expect(await reader.next()).toEqual({ event: "chunk", data: JSON.stringify({ n }), id: after });
      reader.close();
    } finally {
      await aex.close();
    }
  });

  it("FanOut sends in slices, one per turn of the event loop, and keeps the order of sends", async () => {
    const fanOut = new FanOut(100);
    const got = new Map<number, string[]>();
    const targets = new Set(Array.from({ length: 250 }, (_, i) => i));
    const send = (message: string) => (target: number) => {
      const list = got.get(target) ?? [];
      list.push(message);
      got.set(target, list);
    };
    fanOut.send(targets, send("a"));
    // The first slice went out at once, the rest waits for the next turns.
    expect(got.size).toBe(100);
    fanOut.send(targets, send("b"));
    fanOut.send(new Set([0, 1]), send("c"));
    expect(got.get(0)).toEqual(["a"]);
    while ([...targets].some((t) => (got.get(t) ?? []).length < 2))
      await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    for (const target of targets) expect(got.get(target)).toEqual(target < 2 ? ["a", "b", "c"] : ["a", "b"]);
    // A small send with nothing before it goes out at once.
    fanOut.send([7], send("d"));
    expect(got.get(7)).toEqual(["a", "b", "d"]);
  });
});
