// Three instances of one app behind a real HAProxy (round robin, no sticky sessions), one
// real redis-server: what a user does on one instance holds on all, and nothing is lost when
// an instance or Redis goes away under load (issue 19, docs/scaling.md). The numbers of each
// fault are written to .tmp/scale-out-report-<runtime>.json and printed at the end (the
// instances run on the runtime that runs the test: node under jest, Bun under bun test).
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { EventSource, login, ResumingEventSource, send, type Answer } from "./support/clients";
import { CLOSE_DELAY_MS, INSTANCES, ScaleCluster, type InstanceName } from "./support/cluster";
import { LiveClient } from "./support/live-client";
import { report, SteadyLoad, type LoadReport, type Sample } from "./support/load";
import { pause, until } from "./support/processes";

const root = join(__dirname, "../..");
const faults: Record<string, LoadReport & Record<string, unknown>> = {};
/** What the resumable SSE client saw across the instance kill. */
let sseResume: Record<string, unknown> | undefined;
const startedAt = Date.now();
let cluster: ScaleCluster;

/** `count` sequential requests through the balancer; the answers in order. */
async function many(count: number, method: string, path: string, cookie?: string): Promise<Answer[]> {
  const answers: Answer[] = [];
  for (let i = 0; i < count; i++) answers.push(await send(cluster.lb, method, path, { cookie }));
  return answers;
}

const instancesOf = (answers: readonly { instance?: string }[]) => [...new Set(answers.map((a) => a.instance))].sort();

/**
 * Waits until the entry of `GET url` is in Redis: an instance stores it as its answer
 * leaves, so a client may ask another instance before the write has landed.
 */
function cachedInRedis(url: string): Promise<true> {
  return until(`the cache entry of ${url} in Redis`, async () =>
    (await cluster.redisCommand("EXISTS", `aex:cache:route:${url}`)) === "1" ? true : undefined,
  );
}

/** One live socket per instance: opens sockets for `users` until each instance holds one. */
async function socketOnEach(users: string[]): Promise<Map<string, LiveClient>> {
  const byInstance = new Map<string, LiveClient>();
  for (let attempt = 0; byInstance.size < INSTANCES.length; attempt++) {
    if (attempt >= 12) throw new Error(`sockets reached only ${[...byInstance.keys()].join(", ")}`);
    const user = users[byInstance.size]!;
    const client = await LiveClient.open(cluster.lb, user, await login(cluster.lb, user));
    if (byInstance.has(client.instance)) client.close();
    else byInstance.set(client.instance, client);
  }
  return byInstance;
}

/** One SSE subscriber per instance, opened through the balancer. */
async function streamOnEach(): Promise<Map<string, EventSource>> {
  const byInstance = new Map<string, EventSource>();
  for (let attempt = 0; byInstance.size < INSTANCES.length; attempt++) {
    if (attempt >= 12) throw new Error(`streams reached only ${[...byInstance.keys()].join(", ")}`);
    const source = new EventSource(cluster.lb, "/events");
    const { instance } = await source.next<{ instance: string }>("hello");
    if (byInstance.has(instance)) source.close();
    else byInstance.set(instance, source);
  }
  return byInstance;
}

beforeAll(async () => {
  cluster = await ScaleCluster.start();
}, 60_000);

afterAll(async () => {
  await cluster?.stop();
  const seconds = (Date.now() - startedAt) / 1000;
  mkdirSync(join(root, ".tmp"), { recursive: true });
  const runtime = process.versions.bun === undefined ? `node ${process.version}` : `bun ${process.versions.bun}`;
  const file = join(root, `.tmp/scale-out-report-${runtime.split(" ")[0]}.json`);
  writeFileSync(file, JSON.stringify({ runtime, seconds, faults, sseResume }, null, 2) + "\n");
  const lines = Object.entries(faults).map(
    ([name, r]) =>
      `${name}: ${r.sent} sent, ${r.answered} answered (${r.ok} 2xx, ${r.retryLater} 503 + Retry-After), ` +
      `${r.unanswered} unanswered, longest gap ${r.longestGapMs} ms, slowest ${r.slowestMs} ms`,
  );
  if (sseResume !== undefined) lines.push(`SSE resume across SIGKILL: ${JSON.stringify(sseResume)}`);
  console.log(`scale-out on ${runtime} (${seconds.toFixed(1)} s, ${file}):\n  ${lines.join("\n  ")}`);
}, 60_000);

describe("three instances of test/scale-out/fixture/src/app.ts behind HAProxy, one Redis", () => {
  it("spreads requests over every instance, round robin, with no sticky sessions", async () => {
    const answers = await many(6, "GET", "/health/live");
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200, 200]);
    expect(instancesOf(answers)).toEqual([...INSTANCES]);
  });

  it("a login on one instance is a login on all", async () => {
    const signedIn = await send(cluster.lb, "POST", "/login", { json: { user: "ada" } });
    expect(signedIn.status).toBe(200);
    expect(signedIn.json()).toEqual({ user: "ada", instance: signedIn.instance });
    const cookie = signedIn.headers["set-cookie"]![0]!.split(";")[0]!;
    const answers = await many(6, "GET", "/me", cookie);
    for (const answer of answers) {
      expect(answer.status).toBe(200);
      expect(answer.json()).toEqual({ user: "ada", instance: answer.instance });
    }
    expect(instancesOf(answers)).toEqual([...INSTANCES]);
  });

  it("a logout on any instance ends the session on all", async () => {
    const cookie = await login(cluster.lb, "grace");
    expect((await send(cluster.lb, "GET", "/me", { cookie })).status).toBe(200);
    const loggedOut = await send(cluster.lb, "POST", "/logout", { cookie });
    expect(loggedOut.status).toBe(200);
    expect(loggedOut.json()).toEqual({ user: null, instance: loggedOut.instance });
    expect(loggedOut.headers["set-cookie"]![0]).toMatch(/^aex\.sid=;.*Max-Age=0/);
    // The old cookie, replayed to every instance, names no session any more.
    const answers = await many(6, "GET", "/me", cookie);
    for (const answer of answers) {
      expect(answer.status).toBe(401);
      expect(answer.json()).toMatchObject({ status: 401, code: "SCALE_LOGIN" });
    }
    expect(instancesOf(answers)).toEqual([...INSTANCES]);
  });

  it("counts a rate limit across instances: the sixth request is refused whichever instance answers", async () => {
    const allowed = await many(5, "GET", "/limited");
    expect(allowed.map((a) => a.status)).toEqual([200, 200, 200, 200, 200]);
    expect(allowed.map((a) => a.headers.ratelimit)).toEqual(
      [4, 3, 2, 1, 0].map((r) => expect.stringMatching(new RegExp(`^"scale";r=${r};t=\\d+$`))),
    );
    expect(instancesOf(allowed)).toEqual([...INSTANCES]);
    const refused = await many(3, "GET", "/limited");
    for (const answer of refused) {
      expect(answer.status).toBe(429);
      expect(Number(answer.headers["retry-after"])).toBeGreaterThan(0);
      expect(answer.json()).toMatchObject({ status: 429, code: "AEX_RATE_LIMITED" });
    }
    expect(instancesOf(refused)).toEqual([...INSTANCES]);
  });

  it("shares a cached response between instances and invalidates it on all", async () => {
    const first = await send(cluster.lb, "GET", "/articles");
    expect(first.status).toBe(200);
    expect(first.headers["x-cache"]).toBe("MISS");
    expect(first.json()).toEqual({ edition: 0, render: 1, renderedBy: first.instance });
    // The other instances answer from the entry the first one stored, with their own headers.
    await cachedInRedis("/articles");
    const hits = await many(3, "GET", "/articles");
    for (const hit of hits) {
      expect(hit.status).toBe(200);
      expect(hit.headers["x-cache"]).toBe("HIT");
      expect(hit.json()).toEqual(first.json());
      expect(hit.headers.etag).toBe(first.headers.etag);
      expect(hit.headers["x-request-id"]).not.toBe(first.headers["x-request-id"]);
    }
    expect(instancesOf([first, ...hits])).toEqual([...INSTANCES]);

    const published = await send(cluster.lb, "POST", "/articles");
    expect(published.status).toBe(200);
    expect(published.json()).toEqual({ edition: 1, instance: published.instance });
    // Gone on every instance: the next answer is a new render, then a hit everywhere.
    const fresh = await send(cluster.lb, "GET", "/articles");
    expect(fresh.headers["x-cache"]).toBe("MISS");
    expect(fresh.json()).toEqual({ edition: 1, render: 2, renderedBy: fresh.instance });
    await cachedInRedis("/articles");
    const again = await many(3, "GET", "/articles");
    for (const hit of again) {
      expect(hit.headers["x-cache"]).toBe("HIT");
      expect(hit.json()).toEqual(fresh.json());
    }
    expect(instancesOf([fresh, ...again])).toEqual([...INSTANCES]);
  });

  it("delivers WebSocket room messages and broadcasts to clients on every instance", async () => {
    const sockets = await socketOnEach(["ws-1", "ws-2", "ws-3"]);
    try {
      expect([...sockets.keys()].sort()).toEqual([...INSTANCES]);
      for (const [instance, client] of sockets) {
        expect(client.welcome).toEqual({ instance, user: client.user, rooms: [] });
        expect(await client.join("lobby")).toEqual({ room: "lobby", instance });
      }
      const [speaker, ...others] = [...sockets.values()];
      speaker!.socket.send("say", { room: "lobby", text: "hello, everyone" });
      for (const client of [speaker!, ...others]) {
        expect(await client.socket.next("said", 5_000)).toEqual({
          room: "lobby",
          text: "hello, everyone",
          from: speaker!.user,
          via: speaker!.instance,
        });
      }
      const broadcast = await send(cluster.lb, "POST", "/broadcast", { json: { text: "maintenance at noon" } });
      expect(broadcast.status).toBe(200);
      for (const client of sockets.values()) {
        expect(await client.socket.next("notice", 5_000)).toEqual({
          text: "maintenance at noon",
          via: broadcast.instance,
        });
      }
    } finally {
      for (const client of sockets.values()) client.close();
    }
  });

  it("delivers an SSE event published on one instance to subscribers on the others", async () => {
    const streams = await streamOnEach();
    try {
      expect([...streams.keys()].sort()).toEqual([...INSTANCES]);
      const announced = await send(cluster.lb, "POST", "/announce", { json: { text: "release 1.1 is out" } });
      expect(announced.status).toBe(202);
      for (const stream of streams.values()) {
        expect(await stream.next("announce")).toEqual({ text: "release 1.1 is out", from: announced.instance });
      }
    } finally {
      for (const stream of streams.values()) stream.close();
    }
  });
});

describe("faults under a steady load", () => {
  let cookie: string;
  beforeAll(async () => {
    cookie = await login(cluster.lb, "steady");
  });

  /** Every sample a logged-in 200 for the load's user: the session was never lost. */
  const servedAsUser = (samples: readonly Sample[]) => samples.filter((s) => s.status === 200 && s.user === "steady");

  it("SIGTERM: readiness takes the instance out before it stops accepting, and requests in flight finish", async () => {
    const victim: InstanceName = "app3";
    const { child, base } = cluster.instance(victim);
    // Three slow requests with nothing else under way: round robin gives one to each instance.
    const slow = INSTANCES.map(() =>
      send(cluster.lb, "GET", `/slow?ms=${CLOSE_DELAY_MS + 1_500}`, { timeoutMs: 20_000 }),
    );
    await child.line(/^slow started$/);
    const load = new SteadyLoad(cluster.lb, "/me", cookie);
    await load.after(15);
    const signalled = load.now();
    child.proc.kill("SIGTERM");

    // The balancer sees readiness fail and takes the instance out while it still accepts.
    await cluster.waitFor(victim, "DOWN");
    const down = load.now();
    expect(child.lines).not.toContain("stopped accepting");
    const stillServing = await send(base, "GET", "/health/live");
    expect(stillServing.status).toBe(200);
    const unready = await send(base, "GET", "/health/ready");
    expect(unready.status).toBe(503);
    expect(unready.json()).toMatchObject({ code: "AEX_NOT_READY", details: { state: "closing" } });

    await child.line(/^stopped accepting$/, 15_000);
    const stopped = load.now();
    // The request in flight on the victim finishes after it stopped accepting.
    const answers = await Promise.all(slow);
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
    expect(instancesOf(answers)).toEqual([...INSTANCES]);
    expect(await child.exited).toEqual({ code: 0, signal: null });
    await load.after(15);
    const samples = await load.stop();

    // Nothing failed, and nothing reached the victim once the balancer had taken it out.
    expect(samples.filter((s) => s.status !== 200)).toEqual([]);
    expect(servedAsUser(samples)).toHaveLength(samples.length);
    expect(samples.filter((s) => s.start > down && s.instance === victim)).toEqual([]);
    faults.sigterm = {
      ...report(samples),
      signalledAtMs: signalled,
      markedDownAtMs: down,
      stoppedAcceptingAtMs: stopped,
      sentBeforeMarkedDown: samples.filter((s) => s.start > signalled && s.start <= down).length,
    };

    await cluster.startInstance(victim);
    await cluster.waitFor(victim, "UP");
  }, 60_000);

  it("SIGKILL: no session lost, the others answer, WebSocket clients reconnect into their rooms", async () => {
    const victim: InstanceName = "app2";
    const sockets = await socketOnEach(["room-1", "room-2", "room-3"]);
    try {
      for (const client of sockets.values()) await client.join("ops");
      const orphan = sockets.get(victim)!;
      const load = new SteadyLoad(cluster.lb, "/me", cookie);
      await load.after(15);
      const killed = load.now();
      const { child } = cluster.instance(victim);
      child.proc.kill("SIGKILL");
      const markedDown = cluster.waitFor(victim, "DOWN");
      expect(await child.exited).toEqual({ code: null, signal: "SIGKILL" });

      // The victim's socket drops; its client comes back through the balancer, elsewhere.
      await orphan.socket.closed;
      const welcome = await orphan.reconnect();
      expect(welcome.instance).not.toBe(victim);
      expect(welcome).toEqual({ instance: welcome.instance, user: orphan.user, rooms: ["ops"] });
      const down = (await markedDown) - load.startedAt;
      await load.after(30);
      const samples = await load.stop();

      // Back in its room: a message from a client on another instance reaches it.
      const speaker = [...sockets.values()].find((c) => c !== orphan && c.instance !== welcome.instance)!;
      speaker.socket.send("say", { room: "ops", text: "still here?" });
      expect(await orphan.socket.next("said", 5_000)).toEqual({
        room: "ops",
        text: "still here?",
        from: speaker.user,
        via: speaker.instance,
      });

      // No answer ever said the session was gone; after the check noticed, every request
      // was answered, by the others.
      expect(samples.filter((s) => s.status === 401)).toEqual([]);
      const afterDown = samples.filter((s) => s.start > down);
      expect(afterDown.length).toBeGreaterThan(0);
      expect(afterDown.filter((s) => s.status !== 200 || s.user !== "steady" || s.instance === victim)).toEqual([]);
      faults.sigkill = {
        ...report(samples),
        killedAtMs: killed,
        markedDownAtMs: down,
        sentBeforeMarkedDown: samples.filter((s) => s.start > killed && s.start <= down).length,
        failedBeforeMarkedDown: samples.filter((s) => s.status !== 200).length,
        socketBackOn: welcome.instance,
      };
    } finally {
      for (const client of sockets.values()) client.close();
    }
    await cluster.startInstance(victim);
    await cluster.waitFor(victim, "UP");
  }, 60_000);

  it("SIGKILL mid-stream: a resumable SSE client resumes on another instance, nothing lost, nothing repeated", async () => {
    const source = new ResumingEventSource(cluster.lb, "/events");
    const announced = () => source.events.filter((e) => e.event === "announce").map((e) => e.id!);
    const published: string[] = [];
    let stop = false;
    try {
      await source.until("the first connection's hello", () => source.events.some((e) => e.event === "hello"));
      const victim = source.instances[0] as InstanceName;
      const survivors = INSTANCES.filter((name) => name !== victim);
      // Published straight to the instances that live (each answer is acknowledged), one
      // every 10 ms, from before the kill until after the client is back.
      const publisher = (async () => {
        for (let n = 1; !stop && n <= 900; n++) {
          const answer = await send(cluster.instance(survivors[n % 2]!).base, "POST", "/announce", {
            json: { text: `event ${n}` },
          });
          expect(answer.status).toBe(202);
          published.push(answer.json<{ id: string }>().id);
          await pause(10);
        }
      })();
      await source.until("20 events on the first connection", () => announced().length >= 20);
      const { child } = cluster.instance(victim);
      child.proc.kill("SIGKILL");
      expect(await child.exited).toEqual({ code: null, signal: "SIGKILL" });
      const publishedAtKill = published.length;
      await source.until("the client's second connection", () => source.connections >= 2, 15_000);
      const reconnectedAt = published.length;
      await until("30 more events after the reconnect", () =>
        published.length >= reconnectedAt + 30 ? true : undefined,
      );
      stop = true;
      await publisher;
      const last = published[published.length - 1]!;
      await source.until("the last event published", () => announced().includes(last), 15_000);

      // Every event, once, in the order of the log, across the kill.
      expect(source.instances[1]).not.toBe(victim);
      expect(INSTANCES).toContain(source.instances[1]);
      expect(announced()).toEqual(published);
      const lines = (await cluster.redisCommand("XRANGE", "aex:sse:announcements", published[0]!, "+")).split("\n");
      const logIds = lines.filter((line, i) => /^\d+-\d+$/.test(line) && lines[i - 1] !== "p");
      expect(logIds).toEqual(published);
      sseResume = {
        published: published.length,
        publishedBeforeKill: publishedAtKill,
        publishedBeforeReconnect: reconnectedAt,
        received: announced().length,
        duplicates: announced().length - new Set(announced()).size,
        firstInstance: victim,
        resumedOn: source.instances[1],
      };
    } finally {
      stop = true;
      source.close();
    }
    await cluster.startInstance(source.instances[0] as InstanceName);
    await cluster.waitFor(source.instances[0] as InstanceName, "UP");
  }, 60_000);

  it("Redis restart: 503 with Retry-After meanwhile, none hang, sessions persist, everything recovers", async () => {
    const sockets = await socketOnEach(["after-1", "after-2", "after-3"]);
    const streams = await streamOnEach();
    try {
      const load = new SteadyLoad(cluster.lb, "/me", cookie, { timeoutMs: 5_000 });
      await load.after(15);
      const stopped = load.now();
      await cluster.stopRedis("SIGKILL");
      // Down long enough for every worker to meet the outage.
      await load.after(30);
      await pause(300);
      const restarted = load.now();
      await cluster.startRedis();
      // Each instance's Redis clients reconnect on their own schedule: recovered once every
      // instance has answered a logged-in request again.
      const firstOk = (instance: string) =>
        load.samples.find((s) => s.start > restarted && s.status === 200 && s.instance === instance)?.end;
      const recovered = await until(
        "every instance answering logged-in requests after the restart",
        () => {
          const times = INSTANCES.map(firstOk);
          return times.every((t) => t !== undefined) ? Math.max(...(times as number[])) : undefined;
        },
        15_000,
      );
      await load.after(30);
      const samples = await load.stop();

      // Every request was answered, in time: logged in, or 503 + Retry-After from the app.
      expect(samples.filter((s) => s.error !== undefined)).toEqual([]);
      const refused = samples.filter((s) => s.status !== 200);
      expect(refused.length).toBeGreaterThan(0);
      for (const sample of refused) {
        expect(sample).toMatchObject({ status: 503, retryAfter: "1", code: "AEX_SESSION_STORE_UNAVAILABLE" });
        expect(INSTANCES).toContain(sample.instance);
      }
      // The same cookie is still logged in: the session survived the restart on disk.
      expect(servedAsUser(samples.filter((s) => s.start > recovered)).length).toBe(
        samples.filter((s) => s.start > recovered).length,
      );
      const me = await send(cluster.lb, "GET", "/me", { cookie });
      expect(me.status).toBe(200);
      expect(me.json()).toEqual({ user: "steady", instance: me.instance });

      // Pub/sub is back too, without restarting any instance.
      const speaker = [...sockets.values()][0]!;
      await speaker.join("after");
      for (const client of sockets.values()) if (client !== speaker) await client.join("after");
      // Each instance's subscriber reconnects to Redis on its own schedule, and Redis pub/sub
      // keeps nothing for a subscriber that is not there yet: say it again (a bounded number
      // of times) until one line reaches every client.
      let heardBy = 0;
      for (let attempt = 0; heardBy < sockets.size; attempt++) {
        if (attempt === 8)
          throw new Error(`after the Redis restart, a room message reached ${heardBy} of ${sockets.size} clients`);
        const text = `redis is back (${attempt})`;
        speaker.socket.send("say", { room: "after", text });
        heardBy = 0;
        for (const client of sockets.values()) {
          const deadline = Date.now() + 2_000;
          for (;;) {
            const said = (await client.socket.next("said", Math.max(0, deadline - Date.now())).catch(() => null)) as {
              text?: string;
            } | null;
            if (said === null) break;
            if (said.text === text) {
              heardBy++;
              break;
            }
          }
        }
      }
      expect(heardBy).toBe(sockets.size);
      const announced = await send(cluster.lb, "POST", "/announce", { json: { text: "all clear" } });
      expect(announced.status).toBe(202);
      for (const stream of streams.values()) {
        expect(await stream.next("announce")).toEqual({ text: "all clear", from: announced.instance });
      }
      faults.redisRestart = {
        ...report(samples),
        redisKilledAtMs: stopped,
        restartedAtMs: restarted,
        firstOkAtMs: Math.min(...INSTANCES.map((i) => firstOk(i)!)),
        allRecoveredAtMs: recovered,
      };
    } finally {
      for (const client of sockets.values()) client.close();
      for (const stream of streams.values()) stream.close();
    }
  }, 60_000);
});
