// `pnpm bench`: every server, every scenario, one run; writes RESULTS.md, the chart
// ratios.svg and the README table.
// Options: --duration 5 --rounds 3 --warmup 2 --connections 50 --pipelining 10
//          --servers raw,aex,... --scenarios 1,2,3
// Pipelining lets one load-generator core saturate one server core; without it, the load
// generator is the bottleneck and every server looks alike. A run of Bun servers takes
// --pipelining 1 (its default there): Bun.serve closes a connection when a request arrives
// behind one its handler still answers (docs/runtimes.md), and a server whose handler waits
// (Hono's signed cookie, on crypto.subtle) then loses most requests.
import { readFileSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { ratioChart } from "./chart.mjs";
import { bunPath, cpuMs, here, load, mb, pinning, startServer, stopServer, writeResultsSection } from "./lib.mjs";
import {
  BUN_SERVERS,
  DEFAULT_SERVERS,
  SCENARIOS,
  SERVERS,
  checkProcess,
  processFor,
  requestOf,
} from "./dist/scenarios.js";

const { values: opts } = parseArgs({
  options: {
    duration: { type: "string", default: "5" },
    rounds: { type: "string", default: "3" },
    warmup: { type: "string", default: "2" },
    connections: { type: "string", default: "50" },
    pipelining: { type: "string" },
    servers: { type: "string", default: DEFAULT_SERVERS.join(",") },
    scenarios: { type: "string", default: "1,2,3,4,5,6,9,10" },
  },
});

const duration = Number(opts.duration);
const rounds = Number(opts.rounds);
const warmup = Number(opts.warmup);
const connections = Number(opts.connections);
const servers = opts.servers.split(",");
const withBun = servers.some((name) => BUN_SERVERS.includes(name));
const pipelining = Number(opts.pipelining ?? (withBun ? 1 : 10));
if (withBun && pipelining > 1) {
  throw new Error(
    `--pipelining ${pipelining} with Bun servers: Bun.serve closes a connection when a request arrives behind one ` +
      "its handler still answers (docs/runtimes.md), so their figures would measure that. Use --pipelining 1.",
  );
}
for (const name of servers) if (!SERVERS[name]) throw new Error(`no server ${name}: ${Object.keys(SERVERS)}`);
const scenarios = SCENARIOS.filter((s) => opts.scenarios.split(",").map(Number).includes(s.id));
const results = [];

// All processes run at once (each pinned to the server core, idle until loaded) and are
// loaded in turn for each scenario, so drift of the machine during the run does not
// favour whichever server happened to go first. Every process is checked first: a server
// that answers differently (status, body, security headers) has no numbers worth reading.
const running = new Map(); // process → { child, base, cookie }
let port = 4100;
const runningFor = (name, s) => {
  const proc = processFor(name, s.id);
  return proc === undefined ? undefined : running.get(proc);
};
try {
  for (const name of servers) {
    for (const proc of SERVERS[name]) {
      if (!scenarios.some((s) => proc.scenarios.includes(s.id))) continue;
      const child = await startServer(join(here, proc.script), ++port, proc.args ?? [], proc.runtime);
      const base = `http://127.0.0.1:${port}`;
      running.set(proc, { child, base });
      running.get(proc).cookie = await checkProcess(base, name, proc);
    }
  }
  const loadOf = async (s, name, seconds) => {
    const { child, base, cookie } = runningFor(name, s);
    const { method, headers, body } = requestOf(s, cookie);
    delete headers["accept-encoding"]; // autocannon asks for no encoding
    // The server's CPU time over the load (user + system, every thread, from /proc): per request below.
    const before = cpuMs(child.pid);
    const result = await load(
      base + s.path,
      { connections, pipelining, method, headers, body, duration: seconds },
      child.pid,
    );
    return { ...result, cpuMs: cpuMs(child.pid) - before };
  };
  // Warm every server up on every scenario first (JIT), then run the rounds: each round
  // visits every scenario and server, so any two figures compared (two servers, or two
  // scenarios of one server) were measured close together in time. Medians are reported.
  for (const s of scenarios) {
    for (const name of servers) if (warmup > 0 && runningFor(name, s)) await loadOf(s, name, warmup);
  }
  const runs = new Map();
  for (let round = 0; round < rounds; round++) {
    for (const s of scenarios) {
      for (const name of servers) {
        if (!runningFor(name, s)) continue;
        const key = `${name}#${s.id}`;
        if (!runs.has(key)) runs.set(key, []);
        runs.get(key).push(await loadOf(s, name, duration));
      }
    }
    console.log(`round ${round + 1} of ${rounds} done`);
  }
  for (const s of scenarios) {
    for (const name of servers) {
      if (!runs.has(`${name}#${s.id}`)) continue;
      const sorted = runs.get(`${name}#${s.id}`).sort((a, b) => a.requests.average - b.requests.average);
      const r = sorted[Math.floor(sorted.length / 2)];
      const bad = sorted.reduce((n, x) => n + x.errors + x.timeouts + (s.status === 200 ? x.non2xx : 0), 0);
      const rss = Math.max(...sorted.map((x) => x.peakRss));
      results.push({
        server: name,
        scenario: s.id,
        cpuUs: r.requests.total > 0 ? (r.cpuMs * 1000) / r.requests.total : undefined,
        rps: r.requests.average,
        p50: r.latency.p50,
        p99: r.latency.p99,
        rss,
        bad,
      });
      const spread = sorted.map((x) => Math.round(x.requests.average)).join("/");
      console.log(
        `#${s.id} ${name.padEnd(19)} ${Math.round(r.requests.average).toString().padStart(7)} req/s (rounds ${spread})  p50 ${r.latency.p50} ms  p99 ${r.latency.p99} ms  ${mb(rss)}${bad ? `  ${bad} bad answers` : ""}`,
      );
    }
  }
} finally {
  for (const { child } of running.values()) await stopServer(child);
}

const rpsOf = (name, id) => results.find((r) => r.server === name && r.scenario === id)?.rps;

// A run of Bun servers only (issue 27): its own section of RESULTS.md, ratios to Bun.serve by
// hand; the Node report, chart and README table stay as the last Node run left them.
if (servers.every((name) => SERVERS[name].every((proc) => proc.runtime === "bun"))) {
  const bun = await bunPath();
  const fmt = (n) => Math.round(n).toLocaleString("en-US");
  // Ratios to the plain hand-written server and to the one sending Aex's headers (bun-secure).
  let table =
    "| scenario | server | req/s | × Bun.serve by hand | × bun-secure | CPU µs per request | p50 ms | p99 ms | peak RSS |\n";
  table += "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n";
  const cell = (rps, base) => (base ? (rps / base).toFixed(2) : "–");
  for (const s of scenarios) {
    for (const r of results.filter((x) => x.scenario === s.id).sort((a, b) => b.rps - a.rps)) {
      const ratios = `${cell(r.rps, rpsOf("bun", s.id))} | ${cell(r.rps, rpsOf("bun-secure", s.id))}`;
      const label = r.server.startsWith("aex-bun") ? `**${r.server}**` : r.server;
      const cpu = r.cpuUs === undefined ? "–" : r.cpuUs.toFixed(1);
      table += `| ${s.id}. ${s.name} | ${label} | ${fmt(r.rps)} | ${ratios} | ${cpu} | ${r.p50} | ${r.p99} | ${mb(r.rss)} |\n`;
    }
  }
  const verdicts = [];
  const verdict = (label, value, goal) => {
    if (value !== undefined)
      verdicts.push(
        `${label}: ${value.toFixed(2)} (target ≥ ${goal.toFixed(2)}${value >= goal ? ", met" : ", not met"}).`,
      );
  };
  const ratio = (a, b) => (a && b ? a / b : undefined);
  verdict(
    "Aex on Bun ÷ Bun.serve by hand, scenario 1 (secure defaults on)",
    ratio(rpsOf("aex-bun", 1), rpsOf("bun", 1)),
    0.9,
  );
  verdict("Aex on Bun ÷ Bun.serve by hand, scenario 2", ratio(rpsOf("aex-bun", 2), rpsOf("bun", 2)), 0.9);
  verdict("Aex on Bun ÷ Bun.serve by hand, scenario 9 (realistic)", ratio(rpsOf("aex-bun", 9), rpsOf("bun", 9)), 0.75);
  // The ceiling of the three above: the hand-written server itself, once it sends Aex's headers.
  for (const id of [1, 2, 9]) {
    const ceiling = ratio(rpsOf("bun-secure", id), rpsOf("bun", id));
    if (ceiling !== undefined)
      verdicts.push(
        `bun-secure ÷ Bun.serve by hand, scenario ${id}: ${ceiling.toFixed(2)} (what Aex's default headers cost a server written by hand: the most any server sending them can reach against \`bun\`).`,
      );
  }
  // The same targets against the hand-written server doing the header work Aex's defaults do.
  for (const [id, goal] of [
    [1, 0.9],
    [2, 0.9],
    [9, 0.75],
  ]) {
    verdict(
      `Aex on Bun ÷ bun-secure (Bun.serve by hand with Aex's headers), scenario ${id}`,
      ratio(rpsOf("aex-bun", id), rpsOf("bun-secure", id)),
      goal,
    );
  }
  const lowest = scenarios
    .map((s) => ratio(rpsOf("aex-bun", s.id), rpsOf("hono-bun", s.id)))
    .filter((v) => v !== undefined)
    .sort((a, b) => a - b)[0];
  verdict("Aex on Bun ÷ Hono on Bun, lowest over the scenarios both ran", lowest, 1);
  // Hono with the header work Aex's defaults do (hono-bun-secure: hello, param, echo; its realistic already has them).
  const lowestSecure = scenarios
    .map((s) => ratio(rpsOf("aex-bun", s.id), rpsOf(s.id === 9 ? "hono-bun" : "hono-bun-secure", s.id)))
    .filter((v) => v !== undefined)
    .sort((a, b) => a - b)[0];
  verdict(
    "Aex on Bun ÷ Hono on Bun sending Aex's headers (hono-bun-secure; realistic: hono-bun), lowest",
    lowestSecure,
    1,
  );
  // Like for like without the headers: Aex with them explicitly off (aex-bun-plain) beside
  // Hono and the hand-written server, which send none.
  const lowestPlain = scenarios
    .map((s) => ratio(rpsOf("aex-bun-plain", s.id), rpsOf("hono-bun", s.id)))
    .filter((v) => v !== undefined)
    .sort((a, b) => a - b)[0];
  verdict("Aex on Bun, headers off (aex-bun-plain) ÷ Hono on Bun, lowest", lowestPlain, 1);
  for (const id of [1, 2]) {
    verdict(
      `Aex on Bun, headers off (aex-bun-plain) ÷ Bun.serve by hand, scenario ${id}`,
      ratio(rpsOf("aex-bun-plain", id), rpsOf("bun", id)),
      0.9,
    );
  }
  const command = `node bench/run.mjs --servers ${servers.join(",")} --scenarios ${scenarios.map((s) => s.id).join(",")} --duration ${duration} --rounds ${rounds} --warmup ${warmup} --connections ${connections} --pipelining ${pipelining}`;
  const machine = `${cpus()[0].model}, ${cpus().length} cores, ${process.platform}`;
  writeResultsSection(
    "bun",
    `## On Bun (issue 27)

Measured by \`${command}\` on ${new Date().toISOString().slice(0, 10)}: ${machine}, Bun ${bun.version} (servers), autocannon on Node ${process.version} (load); ${connections} connections × ${pipelining} pipelined requests, a ${warmup} s warm-up, ${rounds} rounds of ${duration} s, median round; ${pinning}; NODE_ENV=production.
Ratios are to a hand-written \`Bun.serve\` in the same run: \`bun\` sends only what each answer needs; \`bun-secure\` (\`by-hand.mjs PORT secure\`) also sends the headers Aex sends by default (its security headers and a request id), each copied from one precomputed \`Headers\`. Aex runs its usual server (bench/src/aex-server.ts) with its secure defaults on (security headers, request ids); \`aex-bun-plain\` is the same server with both explicitly off (\`securityHeaders: false\`, \`requestId: { echo: false }\`), like for like with \`bun\` and \`hono-bun\`. Under Bun \`aex.start()\` serves it with \`Bun.serve\`. CPU time per request is the server process's user + system time over a round (/proc) divided by the requests answered.

${verdicts.map((v) => `- ${v}`).join("\n")}

${table}`,
  );
  console.log(`\n${verdicts.join("\n")}\nWrote the bun section of bench/RESULTS.md`);
  process.exit(0);
}
// Scenario 10 (Standard Schema) is raw's and Aex's only; raw answers it exactly as 9.
const raw = (id) => rpsOf("raw", id);
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

// The targets of issue #17, as ratios measured in this run.
const ratioOf = (a, b) => (a && b ? a / b : undefined);
const verdicts = [];
const target = (label, value, goal) => {
  if (value !== undefined)
    verdicts.push(
      `${label}: ${value.toFixed(2)} (target ≥ ${goal.toFixed(2)}${value >= goal ? ", met" : ", not met"}).`,
    );
};
target("Aex ÷ raw node:http, scenario 1 (secure defaults on)", ratioOf(rpsOf("aex", 1), raw(1)), 0.95);
target("Aex ÷ raw node:http, scenario 2", ratioOf(rpsOf("aex", 2), raw(2)), 0.95);
target("Aex ÷ raw node:http, scenario 3 (echo)", ratioOf(rpsOf("aex", 3), raw(3)), 0.85);
target("Aex ÷ raw node:http, scenario 9 (realistic, @filter)", ratioOf(rpsOf("aex", 9), raw(9)), 0.75);
target("Aex ÷ raw node:http, scenario 10 (realistic, Standard Schema)", ratioOf(rpsOf("aex", 10), raw(10)), 0.75);
for (const nest of ["nest-express", "nest-fastify"]) {
  const lowest = scenarios
    .map((s) => ratioOf(rpsOf("aex", s.id), rpsOf(nest, s.id)))
    .filter((v) => v !== undefined)
    .sort((a, b) => a - b)[0];
  target(`Aex ÷ ${nest}, lowest over the scenarios both ran`, lowest, 3);
}

// Read from node_modules: hono and helmet do not export their package.json.
const versionOf = (name) => {
  try {
    return JSON.parse(readFileSync(new URL(`node_modules/${name}/package.json`, import.meta.url), "utf8")).version;
  } catch {
    return "?";
  }
};
const versions = [
  "fastify",
  "hono",
  "koa",
  "express",
  "@nestjs/core",
  "routing-controllers",
  "helmet",
  "@fastify/helmet",
  "express-session",
  "@fastify/session",
  "koa-session",
  "class-validator",
  "zod",
]
  .map((name) => `${name} ${versionOf(name)}`)
  .join(", ");

const chartPath = join(here, "ratios.svg");
writeFileSync(
  chartPath,
  ratioChart({
    title: `req/s ÷ raw node:http (pnpm bench, Node ${process.version})`,
    scenarios,
    servers,
    ratios: results.filter((r) => raw(r.scenario)).map((r) => ({ ...r, ratio: r.rps / raw(r.scenario) })),
  }),
);

const machine = `${cpus()[0].model}, ${cpus().length} cores, ${mb(totalmem())} RAM, ${process.platform}`;
const settings = `${connections} connections × ${pipelining} pipelined requests; a ${warmup} s warm-up per server and scenario, then ${rounds} rounds of ${duration} s, each round visiting every scenario and server, median round reported; ${pinning}; NODE_ENV=production`;
const command = `pnpm bench --duration ${duration} --rounds ${rounds} --warmup ${warmup} --servers ${servers.join(",")} --scenarios ${scenarios.map((s) => s.id).join(",")}`;
const report = `# Benchmark results

Measured by \`${command}\` on ${new Date().toISOString().slice(0, 10)}: ${machine}, Node ${process.version}; ${settings}.
Versions: ${versions}.
Ratios compare servers measured in this same run; absolute numbers depend on the machine.
The realistic scenarios (9, 10) run each framework with its usual plugins: security headers
(helmet, @fastify/helmet, Hono's secureHeaders, Aex's defaults), a signed-cookie session read
from a memory store, a 1 KB JSON body checked against 10 rules (Ajv for Fastify,
class-validator for NestJS and routing-controllers, zod for Hono, Koa and Express, \`@filter\`
and zod as a Standard Schema for Aex); raw node:http does the same by hand.

${verdicts.map((v) => `- ${v}`).join("\n")}

![req/s as a ratio of raw node:http](ratios.svg)

${table}`;
// Keep the sections leak.mjs, router.mjs and instructions.mjs wrote when rewriting the results.
const resultsPath = join(here, "RESULTS.md");
let kept = [];
try {
  const previous = readFileSync(resultsPath, "utf8");
  kept = [...previous.matchAll(/<!-- ([\w-]+):start -->[\s\S]*?<!-- \1:end -->/g)].map((m) => m[0]);
} catch {
  // First run: nothing to keep.
}
writeFileSync(resultsPath, [report.trimEnd(), ...kept].join("\n\n") + "\n");

// Keep the README's table in step with the latest run.
const readmePath = join(here, "..", "README.md");
const readme = readFileSync(readmePath, "utf8");
const block = `<!-- bench:start -->\n${report.split("\n").slice(2).join("\n").replace("](ratios.svg)", "](bench/ratios.svg)").trim()}\n<!-- bench:end -->`;
if (readme.includes("<!-- bench:start -->")) {
  writeFileSync(readmePath, readme.replace(/<!-- bench:start -->[\s\S]*<!-- bench:end -->/, block));
}
console.log(`\n${verdicts.join("\n")}\nWrote bench/RESULTS.md and bench/ratios.svg`);
