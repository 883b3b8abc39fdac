// `pnpm bench:realtime`: how many live clients one instance holds and how fast it reaches
// them (issue 29). 10,000 WebSocket clients, then 10,000 SSE clients, on one Aex instance
// and on the same done by hand (`ws` on node:http; SSE responses in a Set), in one run:
// memory per idle connection, the time from a broadcast call to the last client holding the
// message, the event-loop lag meanwhile; then the same fan-out across 3 instances through
// Redis. Loopback only; every phase is bounded in time.
// Options: --clients 10000 --rounds 7 --no-cluster --no-write --only ws|sse
// --runtime bun: the servers run on Bun (WebSockets only: Aex on Bun.serve's own WebSockets
// against Bun.serve's by hand); the clients stay on node. Written to its own RESULTS section.
// --settle MS: how long the clients stay idle before memory is read (default 1,000 ms).
// RSS per client includes the young generation V8 grew during the handshakes (up to ~2.5 KB
// per client after 10,000, empty after the full collections but still resident); after some
// seconds idle V8 may shrink it, for either server, at a moment of its own choosing. So RSS
// per client moves by up to that much from run to run, with either settle; heap per client
// does not.
import { spawn, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer, connect } from "node:net";
import { cpus, loadavg, totalmem } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { bunPath, here, mb, writeResultsSection } from "./lib.mjs";
import { versions } from "./realtime/modules.mjs";

const { values: opts } = parseArgs({
  options: {
    clients: { type: "string", default: "10000" },
    rounds: { type: "string", default: "7" },
    "no-cluster": { type: "boolean", default: false },
    "no-write": { type: "boolean", default: false },
    settle: { type: "string" },
    only: { type: "string" },
    runtime: { type: "string", default: "node" },
  },
});
const CLIENTS = Number(opts.clients);
const SETTLE_MS = opts.settle === undefined ? Math.min(1_000, CLIENTS / 10) : Number(opts.settle);
const loadBefore = loadavg()[0];
const ROUNDS = Math.max(2, Number(opts.rounds));
const PHASE_MS = 120_000;
const INSTANCES = 3;
const ON_BUN = opts.runtime === "bun";
if (!ON_BUN && opts.runtime !== "node") throw new Error("--runtime is node or bun");
const bun = ON_BUN ? await bunPath() : null;

// 1. File descriptors: a server holds one per client, the client process one per client.
const NEEDED = CLIENTS + 1_024;
const [soft, hard] = (() => {
  const line = readFileSync("/proc/self/limits", "utf8")
    .split("\n")
    .find((l) => l.startsWith("Max open files"));
  const [, s, h] = /Max open files\s+(\S+)\s+(\S+)/.exec(line ?? "") ?? [];
  const n = (v) => (v === "unlimited" ? Infinity : Number(v));
  return [n(s), n(h)];
})();
let fdNote;
let raise = null;
if (soft >= NEEDED) fdNote = `open-file limit ${soft} (soft) is enough`;
else if (hard >= NEEDED) {
  raise = NEEDED;
  fdNote = `open-file limit raised from ${soft} to ${NEEDED} for the children (hard limit ${hard})`;
} else {
  console.error(
    `The open-file hard limit (${hard}) is below the ${NEEDED} this run needs: run with --clients ${hard - 1_100}, or raise it (ulimit -Hn, as root).`,
  );
  process.exit(1);
}

/** taskset -c N when Linux has it and 2 cores: servers on CPU 0, clients and Redis on CPU 1. */
const canPin = process.platform === "linux" && cpus().length >= 2 && spawnSync("taskset", ["-V"]).status === 0;
const pinning = canPin ? "servers on CPU 0, clients and Redis on CPU 1 (taskset)" : "no CPU pinning";

/** Spawns `command args` pinned to `cpu`, with the raised open-file limit when needed. */
function spawnPinned(cpu, command, args, options = {}) {
  let argv = [command, ...args];
  if (canPin) argv = ["taskset", "-c", String(cpu), ...argv];
  if (raise !== null) argv = ["sh", "-c", `ulimit -n ${raise} && exec "$@"`, "sh", ...argv];
  return spawn(argv[0], argv.slice(1), options);
}

/** A node child with IPC, its `send`/`call` helpers, and a promise of its first message. */
function nodeChild(cpu, script, args) {
  const profile =
    process.env.REALTIME_PROF && script === "server.mjs"
      ? ["--cpu-prof", `--cpu-prof-dir=${process.env.REALTIME_PROF}`]
      : [];
  // Servers run on Bun with --runtime bun; the clients always on node.
  const onBun = bun !== null && script === "server.mjs";
  const child = spawnPinned(
    cpu,
    onBun ? bun.path : process.execPath,
    [...(onBun ? [] : ["--expose-gc", ...profile]), join(here, "realtime", script), ...args],
    {
      stdio: ["ignore", "inherit", "inherit", "ipc"],
      env: { ...process.env, NODE_ENV: "production", LOG_LEVEL: "silent" },
    },
  );
  let seq = 0;
  const pending = new Map();
  const first = new Promise((resolve, reject) => {
    child.once("message", resolve);
    child.once("exit", (code) => reject(new Error(`${script} ${args.join(" ")} exited with ${code}`)));
  });
  child.on("message", (message) => {
    if (message.id === undefined) return;
    pending.get(message.id)?.(message);
    pending.delete(message.id);
  });
  return {
    child,
    first,
    call: (cmd, extra = {}) =>
      new Promise((resolve) => {
        const id = ++seq;
        pending.set(id, resolve);
        child.send({ id, cmd, ...extra });
      }),
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once("exit", resolve);
        if (profile.length > 0) child.send({ cmd: "exit" });
        else child.kill("SIGKILL");
      }),
  };
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

function bounded(what, promise) {
  let timer;
  const late = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: not done within ${PHASE_MS / 1000} s`)), PHASE_MS);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

async function startRedis() {
  const port = await freePort();
  const child = spawnPinned(
    1,
    "redis-server",
    ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
    {
      stdio: "ignore",
    },
  );
  for (let i = 0; i < 100; i++) {
    const up = await new Promise((resolve) => {
      const socket = connect(port, "127.0.0.1");
      socket.once("connect", () => (socket.destroy(), resolve(true)));
      socket.once("error", () => resolve(false));
    });
    if (up) break;
    await sleep(50);
  }
  return { url: `redis://127.0.0.1:${port}`, stop: () => child.kill("SIGKILL") };
}

/**
 * Broadcasts `ROUNDS` messages from `servers[0]`, each once every client holds the previous
 * one; the first round warms up. Returns medians: the time until the last client held the
 * message, the broadcast call itself, and the worst event-loop lag of any server.
 */
async function broadcasts(servers, clients) {
  const reach = [];
  const call = [];
  const lagMax = [];
  const lagP99 = [];
  for (let k = 1; k <= ROUNDS; k++) {
    // Started in an earlier turn than the broadcast, so a broadcast that blocks the loop delays its timer.
    await Promise.all(servers.map((server) => server.call("lag-start")));
    await sleep(20);
    const sent = await servers[0].call("broadcast");
    const done = await clients.call("await", { k });
    const lags = await Promise.all(servers.map((s) => s.call("lag")));
    if (k === 1) continue;
    // One monotonic clock for node processes; across runtimes (Bun's hrtime counts from elsewhere) the epoch's.
    reach.push(ON_BUN ? done.atEpoch - sent.startEpoch : Number(BigInt(done.at) - BigInt(sent.start)) / 1e6);
    call.push(sent.sendMs);
    lagMax.push(Math.max(...lags.map((l) => l.maxMs)));
    lagP99.push(Math.max(...lags.map((l) => l.p99Ms)));
    await sleep(100);
  }
  return { reachMs: median(reach), callMs: median(call), lagMaxMs: median(lagMax), lagP99Ms: median(lagP99) };
}

/** One instance of `impl` serving `transport`: idle memory per client, then broadcasts. */
async function single(impl, transport) {
  const port = await freePort();
  const server = nodeChild(0, "server.mjs", [impl, transport, String(port)]);
  let clients = null;
  try {
    await bounded(`${impl} ${transport} server`, server.first);
    const before = await server.call("mem");
    clients = nodeChild(1, "clients.mjs", [transport, String(CLIENTS), `http://127.0.0.1:${port}`]);
    const opened = await bounded(`${CLIENTS} ${transport} clients`, clients.first);
    await sleep(SETTLE_MS);
    const { connections } = await server.call("connections");
    if (connections !== CLIENTS) throw new Error(`${impl} ${transport}: ${connections} of ${CLIENTS} connected`);
    const idle = await server.call("mem");
    const memory = {
      rssPerClient: (idle.rss - before.rss) / CLIENTS,
      heapPerClient: (idle.heapUsed + idle.external - before.heapUsed - before.external) / CLIENTS,
      rss: idle.rss,
    };
    const sent = await bounded(`${impl} ${transport} broadcasts`, broadcasts([server], clients));
    return { impl, transport, openMs: opened.openMs, ...memory, ...sent };
  } finally {
    await clients?.stop();
    await server.stop();
  }
}

/** `INSTANCES` instances of `impl` sharing a Redis: clients spread over all, broadcast from one. */
async function cluster(impl, transport, redisUrl) {
  const ports = await Promise.all(Array.from({ length: INSTANCES }, freePort));
  const servers = ports.map((port) => nodeChild(0, "server.mjs", [impl, transport, String(port), redisUrl]));
  let clients = null;
  try {
    await bounded(`${impl} ${transport} servers`, Promise.all(servers.map((s) => s.first)));
    const urls = ports.map((port) => `http://127.0.0.1:${port}`).join(",");
    clients = nodeChild(1, "clients.mjs", [transport, String(CLIENTS), urls]);
    const opened = await bounded(`${CLIENTS} ${transport} clients`, clients.first);
    await sleep(Math.min(1_000, CLIENTS / 10));
    const sent = await bounded(`${impl} ${transport} broadcasts`, broadcasts(servers, clients));
    return { impl, transport, openMs: opened.openMs, ...sent };
  } finally {
    await clients?.stop();
    await Promise.all(servers.map((s) => s.stop()));
  }
}

const impls = [
  ["aex", "Aex"],
  ["hand", "by hand"],
];
const TRANSPORTS = ON_BUN ? ["ws"] : opts.only ? [opts.only] : ["ws", "sse"];
const local = [];
for (const transport of TRANSPORTS) {
  for (const [impl] of impls) {
    console.error(`one instance: ${impl} ${transport}…`);
    local.push(await single(impl, transport));
  }
}
const shared = [];
if (!opts["no-cluster"]) {
  const redis = await startRedis();
  try {
    for (const transport of TRANSPORTS) {
      for (const [impl] of impls) {
        console.error(`${INSTANCES} instances through Redis: ${impl} ${transport}…`);
        shared.push(await cluster(impl, transport, redis.url));
      }
    }
  } finally {
    redis.stop();
  }
}

// Report
const name = (impl) => (impl === "aex" ? "**Aex**" : "by hand");
const label = { ws: "WebSocket", sse: "SSE" };
const ms = (v) => v.toFixed(1);
const kb = (v) => `${(v / 1024).toFixed(2)} KB`;
const ratio = (transport, key, rows) => {
  const aex = rows.find((r) => r.impl === "aex" && r.transport === transport);
  const hand = rows.find((r) => r.impl === "hand" && r.transport === transport);
  return aex[key] / hand[key];
};
// Issue 29's targets are against `ws` on node:http by hand; on Bun, by hand is Bun's native WebSockets: ratios only.
const verdict = (value, target) =>
  ON_BUN
    ? value.toFixed(2)
    : `${value.toFixed(2)} (target ≤ ${target.toFixed(2)}, ${value <= target ? "met" : "not met"})`;
const verdicts = TRANSPORTS.includes("ws")
  ? [
      `- Idle WebSocket clients, memory (RSS) per client, Aex ÷ by hand: ${verdict(ratio("ws", "rssPerClient", local), 1.5)}.`,
      `- Broadcast to ${CLIENTS.toLocaleString("en")} local WebSocket clients, Aex ÷ by hand: ${verdict(ratio("ws", "reachMs", local), 1.5)}.`,
    ]
  : [];

const load = `load average ${loadBefore.toFixed(1)} at the start, ${loadavg()[0].toFixed(1)} at the end (the machine is shared; the other processes count)`;
const command = `pnpm bench:realtime${process.argv.slice(2).length ? ` ${process.argv.slice(2).join(" ")}` : ""}`;
const machine = `${cpus()[0].model}, ${cpus().length} cores, ${mb(totalmem())} RAM, ${process.platform}`;
const runtime = ON_BUN
  ? `servers on Bun ${bun.version} (Aex on Bun.serve's own WebSockets; "by hand" is Bun.serve's WebSockets in a Set, looping \`socket.send(json)\`), clients on Node ${process.version}`
  : `Node ${process.version}`;
const lines = [
  ON_BUN
    ? "## Realtime on Bun: live WebSocket clients per instance"
    : "## Realtime: live clients per instance (issue 29)",
  "",
  `Measured by \`${command}\` on ${new Date().toISOString().slice(0, 10)}: ${machine}, ${runtime}, ws ${versions.ws}, redis (node-redis) ${versions.redis}; ${pinning}; ${fdNote}; ${load}.`,
  `${CLIENTS.toLocaleString("en")} clients per phase, on loopback, in one client process, memory read ${SETTLE_MS.toLocaleString("en")} ms after the last one connected (after two full collections); ${ROUNDS} broadcasts per phase, each sent once every client held the previous one, the first a warm-up, medians of the rest. ` +
    (ON_BUN
      ? `A message is \`{"event":"tick","data":{"n":…,"text":"x"×100}}\`. "By hand" is Bun.serve's WebSockets kept in a Set, looping \`socket.send(json)\`; across instances, node-redis pub/sub by hand. Aex is a \`WebSocketServer\` with \`hub.broadcast()\` (a \`RedisAdapter\` across instances) on Bun.serve's WebSockets. Heap is JavaScriptCore's (\`process.memoryUsage()\` on Bun); a Bun WebSocket by hand lives almost wholly outside it.`
      : `A message is \`{"event":"tick","data":{"n":…,"text":"x"×100}}\` (WebSocket) or an \`event: tick\` with an id (SSE). "By hand" is \`ws\`'s WebSocketServer on node:http looping \`client.send(json)\`, and SSE responses kept in a Set looping \`res.write(frame)\`; across instances, node-redis pub/sub by hand. Aex is a \`WebSocketServer\` with \`hub.broadcast()\` (a \`RedisAdapter\` across instances) and an \`@sse\` route with a replay log (\`MemoryReplayStore\`; \`RedisReplayStore\` across instances) and \`store.publish()\`.`),
  "",
  ...verdicts,
  "",
  "| one instance | server | RSS per idle client | heap per idle client | broadcast reaches all | the broadcast call | event-loop lag max / p99 |",
  "| --- | --- | ---: | ---: | ---: | ---: | ---: |",
  ...local.map(
    (r) =>
      `| ${label[r.transport]} | ${name(r.impl)} | ${kb(r.rssPerClient)} | ${kb(r.heapPerClient)} | ${ms(r.reachMs)} ms | ${ms(r.callMs)} ms | ${ms(r.lagMaxMs)} / ${ms(r.lagP99Ms)} ms |`,
  ),
];
if (shared.length > 0) {
  lines.push(
    "",
    `| ${INSTANCES} instances, one Redis | server | broadcast reaches all | the broadcast call | event-loop lag max / p99 (worst instance) |`,
    "| --- | --- | ---: | ---: | ---: |",
    ...shared.map(
      (r) =>
        `| ${label[r.transport]} | ${name(r.impl)} | ${ms(r.reachMs)} ms | ${ms(r.callMs)} ms | ${ms(r.lagMaxMs)} / ${ms(r.lagP99Ms)} ms |`,
    ),
  );
}
const body = lines.join("\n");
console.log(body);
if (!opts["no-write"]) writeResultsSection(ON_BUN ? "realtime-bun" : "realtime", body);
