// `pnpm bench`: every server, every scenario, one run; writes RESULTS.md and the README table.
// Options: --duration 5 --rounds 3 --warmup 2 --connections 50 --pipelining 10 --servers raw,aex --scenarios 1,2
// Pipelining lets one load-generator core saturate one server core; without it, the load
// generator is the bottleneck and every server looks alike.
import { readFileSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { here, load, mb, pinning, startServer, stopServer } from "./lib.mjs";

const { values: opts } = parseArgs({
  options: {
    duration: { type: "string", default: "5" },
    rounds: { type: "string", default: "3" },
    warmup: { type: "string", default: "2" },
    connections: { type: "string", default: "50" },
    pipelining: { type: "string", default: "10" },
    servers: { type: "string", default: "raw,aex,fastify,hono,koa,express" },
    scenarios: { type: "string", default: "1,2,3,4,5,6" },
  },
});

const SERVERS = {
  raw: join(here, "servers/raw.js"),
  aex: join(here, "dist/aex-server.js"),
  fastify: join(here, "servers/fastify.js"),
  "fastify-helmet": join(here, "servers/fastify-helmet.js"),
  hono: join(here, "servers/hono.js"),
  koa: join(here, "servers/koa.js"),
  express: join(here, "servers/express.js"),
};

const JSON_HEADERS = { "content-type": "application/json" };
// Scenarios 7 and 8 (servers raw, aex, fastify): a body of 5 fields, one a nested object.
const NOTE = '{"title":"Hello","stars":4,"status":"draft","tags":["a","b"],"author":{"name":"Ann","age":30}}';
const SCENARIOS = [
  { id: 1, name: "GET / → text", path: "/", status: 200, body: "hello world" },
  { id: 2, name: "GET /user/:id → JSON", path: "/user/42", status: 200, body: '{"id":"42"}' },
  {
    id: 3,
    name: "POST /echo JSON body",
    path: "/echo",
    method: "POST",
    headers: JSON_HEADERS,
    send: '{"hello":"world","n":1}',
    status: 200,
    body: '{"hello":"world","n":1}',
  },
  {
    id: 4,
    name: "200 routes, GET /r150/items/42",
    path: "/r150/items/42",
    status: 200,
    body: '{"route":150,"id":"42"}',
  },
  { id: 5, name: "GET /missing → 404", path: "/missing", status: 404 },
  {
    id: 6,
    name: "3 steps (query, inject, filter)",
    path: "/steps/42?page=2",
    status: 200,
    body: '{"id":"42","page":"2","user":"bench"}',
  },
  {
    id: 7,
    name: "POST /validate JSON, 5 fields (@filter / Ajv)",
    path: "/validate",
    method: "POST",
    headers: JSON_HEADERS,
    send: NOTE,
    status: 200,
    body: '{"title":"Hello","author":"Ann"}',
  },
  {
    id: 8,
    name: "POST /validate-zod JSON, 5 fields (zod / Ajv)",
    path: "/validate-zod",
    method: "POST",
    headers: JSON_HEADERS,
    send: NOTE,
    status: 200,
    body: '{"title":"Hello","author":"Ann"}',
  },
];

const duration = Number(opts.duration);
const rounds = Number(opts.rounds);
const warmup = Number(opts.warmup);
const connections = Number(opts.connections);
const pipelining = Number(opts.pipelining);
const servers = opts.servers.split(",");
const results = [];
const scenarios = SCENARIOS.filter((s) => opts.scenarios.split(",").map(Number).includes(s.id));

/** Every server must give the same answers, or its numbers mean nothing. */
async function check(base, name) {
  for (const s of scenarios) {
    const res = await fetch(base + s.path, { method: s.method ?? "GET", headers: s.headers, body: s.send });
    const text = await res.text();
    if (res.status !== s.status || (s.body !== undefined && text !== s.body)) {
      throw new Error(`${name} answers scenario ${s.id} with ${res.status} ${text}`);
    }
  }
}

// All servers run at once (each pinned to the server core, idle until loaded) and are
// loaded in turn for each scenario, so drift of the machine during the run does not
// favour whichever server happened to go first.
const running = new Map();
let port = 4100;
try {
  for (const name of servers) {
    const child = await startServer(SERVERS[name], ++port);
    const base = `http://127.0.0.1:${port}`;
    running.set(name, { child, base });
    await check(base, name);
  }
  const requestOf = (s) => ({ connections, pipelining, method: s.method, headers: s.headers, body: s.send });
  // Warm every server up on every scenario first (JIT), then run the rounds: each round
  // visits every scenario and server, so any two figures compared (two servers, or two
  // scenarios of one server) were measured close together in time. Medians are reported.
  for (const s of scenarios) {
    for (const name of servers) {
      const { child, base } = running.get(name);
      if (warmup > 0) await load(base + s.path, { ...requestOf(s), duration: warmup }, child.pid);
    }
  }
  const runs = new Map();
  for (let round = 0; round < rounds; round++) {
    for (const s of scenarios) {
      for (const name of servers) {
        const { child, base } = running.get(name);
        const key = `${name}#${s.id}`;
        if (!runs.has(key)) runs.set(key, []);
        runs.get(key).push(await load(base + s.path, { ...requestOf(s), duration }, child.pid));
      }
    }
    console.log(`round ${round + 1} of ${rounds} done`);
  }
  for (const s of scenarios) {
    for (const name of servers) {
      const sorted = runs.get(`${name}#${s.id}`).sort((a, b) => a.requests.average - b.requests.average);
      const r = sorted[Math.floor(sorted.length / 2)];
      const bad = sorted.reduce((n, x) => n + x.errors + x.timeouts + (s.status === 200 ? x.non2xx : 0), 0);
      const rss = Math.max(...sorted.map((x) => x.peakRss));
      results.push({
        server: name,
        scenario: s.id,
        rps: r.requests.average,
        p50: r.latency.p50,
        p99: r.latency.p99,
        rss,
        bad,
      });
      const spread = sorted.map((x) => Math.round(x.requests.average)).join("/");
      console.log(
        `#${s.id} ${name.padEnd(8)} ${Math.round(r.requests.average).toString().padStart(7)} req/s (rounds ${spread})  p50 ${r.latency.p50} ms  p99 ${r.latency.p99} ms  ${mb(rss)}${bad ? `  ${bad} bad answers` : ""}`,
      );
    }
  }
} finally {
  for (const { child } of running.values()) await stopServer(child);
}

const raw = (scenario) => results.find((r) => r.server === "raw" && r.scenario === scenario)?.rps;
const fmt = (n) => Math.round(n).toLocaleString("en-US");
let table =
  "| scenario | server | req/s | × raw node:http | p50 ms | p99 ms | peak RSS |\n| --- | --- | ---: | ---: | ---: | ---: | ---: |\n";
for (const s of scenarios) {
  for (const r of results.filter((x) => x.scenario === s.id).sort((a, b) => b.rps - a.rps)) {
    const ratio = raw(s.id) ? (r.rps / raw(s.id)).toFixed(2) : "–";
    const label = r.server === "aex" ? "**aex**" : r.server;
    table += `| ${s.id}. ${s.name} | ${label} | ${fmt(r.rps)} | ${ratio} | ${r.p50} | ${r.p99} | ${mb(r.rss)} |\n`;
  }
}

const aex = (id) => results.find((r) => r.server === "aex" && r.scenario === id)?.rps;
const fastify = (id) => results.find((r) => r.server === "fastify" && r.scenario === id)?.rps;
const verdicts = [];
if (aex(1) && raw(1))
  verdicts.push(`Scenario 1: Aex is ${(aex(1) / raw(1)).toFixed(2)} × raw node:http (target ≥ 0.90).`);
const vsFastify = scenarios
  .filter((s) => s.id <= 5 && aex(s.id) && fastify(s.id))
  .map((s) => `#${s.id} ${(aex(s.id) / fastify(s.id)).toFixed(2)}`);
if (vsFastify.length) verdicts.push(`Aex ÷ Fastify, scenarios 1–5: ${vsFastify.join(", ")} (target ≥ 1.00).`);
if (aex(4) && aex(2))
  verdicts.push(
    `Scenario 4 ÷ scenario 2 for Aex: ${(aex(4) / aex(2)).toFixed(2)} (routing cost independent of route count: within 5%).`,
  );

const machine = `${cpus()[0].model}, ${cpus().length} cores, ${mb(totalmem())} RAM, ${process.platform}`;
const settings = `${connections} connections × ${pipelining} pipelined requests; a ${warmup} s warm-up per server and scenario, then ${rounds} rounds of ${duration} s, each round visiting every scenario and server, median round reported; ${pinning}; NODE_ENV=production`;
const report = `# Benchmark results

Measured by \`pnpm bench\` on ${new Date().toISOString().slice(0, 10)}: ${machine}, Node ${process.version}; ${settings}.
Ratios compare servers measured in this same run; absolute numbers depend on the machine.

${verdicts.map((v) => `- ${v}`).join("\n")}

${table}`;
// Keep the sections leak.mjs and router.mjs wrote when rewriting the results.
const resultsPath = join(here, "RESULTS.md");
let kept = [];
try {
  const previous = readFileSync(resultsPath, "utf8");
  kept = ["leak", "router", "instructions"].map(
    (name) => new RegExp(`<!-- ${name}:start -->[\\s\\S]*<!-- ${name}:end -->`).exec(previous)?.[0],
  );
} catch {
  // First run: nothing to keep.
}
writeFileSync(resultsPath, [report.trimEnd(), ...kept.filter(Boolean)].join("\n\n") + "\n");

// Keep the README's table in step with the latest run.
const readmePath = join(here, "..", "README.md");
const readme = readFileSync(readmePath, "utf8");
const block = `<!-- bench:start -->\n${report.split("\n").slice(2).join("\n").trim()}\n<!-- bench:end -->`;
if (readme.includes("<!-- bench:start -->")) {
  writeFileSync(readmePath, readme.replace(/<!-- bench:start -->[\s\S]*<!-- bench:end -->/, block));
}
console.log(`\n${verdicts.join("\n")}\nWrote bench/RESULTS.md`);
