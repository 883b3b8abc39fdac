// `pnpm bench:cpu`: CPU time per request of two or more servers on one scenario, in windows
// that alternate between them. req/s on a shared machine drifts by 10-30 % within minutes; a
// server's CPU time per request drifts less, and alternating short windows gives every server
// the same stretches of the machine's moods. Each server is pinned to CPU 0 and the load
// generator to CPU 1 (as `pnpm bench`), all servers run at once, idle until loaded; every
// server is checked (status, body, security headers) and warmed up first.
// Options: --servers bun,aex-bun (the first is the base) --scenario 9 --windows 8 --seconds 4
//          --connections 100 --warm 40000 (requests per server before the windows)
// Prints each server's CPU µs per request (median, min, max over its windows) and req/s
// (median), and the base's median ÷ each other's: the share of the base's speed it reaches
// when CPU-bound (1.00: as fast).
import { join } from "node:path";
import { parseArgs } from "node:util";
import { cpuMs, here, load, pinning, startServer, stopServer } from "./lib.mjs";
import { checkProcess, processFor, requestOf, scenarioById } from "./dist/scenarios.js";

const { values: opts } = parseArgs({
  options: {
    servers: { type: "string", default: "bun,aex-bun" },
    scenario: { type: "string", default: "9" },
    windows: { type: "string", default: "8" },
    seconds: { type: "string", default: "4" },
    connections: { type: "string", default: "100" },
    warm: { type: "string", default: "40000" },
    port: { type: "string", default: "4700" },
  },
});

const scenario = scenarioById(Number(opts.scenario));
const names = opts.servers.split(",");
if (names.length < 2) throw new Error("--servers needs at least two servers: the base, then the others");
const connections = Number(opts.connections);
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

const servers = [];
let port = Number(opts.port);
try {
  for (const name of names) {
    const proc = processFor(name, scenario.id);
    if (proc === undefined) throw new Error(`${name} does not serve scenario ${scenario.id}`);
    const child = await startServer(join(here, proc.script), ++port, proc.args ?? [], proc.runtime);
    const base = `http://127.0.0.1:${port}`;
    // Listed before it is checked: a server that answers wrong is stopped with the others.
    const server = { name, child, url: base + scenario.path, request: null, cpuUs: [], rps: [] };
    servers.push(server);
    const cookie = await checkProcess(base, name, { ...proc, scenarios: [scenario.id] });
    const { method, headers, body } = requestOf(scenario, cookie);
    delete headers["accept-encoding"]; // autocannon asks for no encoding
    server.request = { connections, method, headers, body };
  }
  // JIT warm-up (Bun's tiers need tens of thousands of requests: bench/instructions.mjs).
  for (const server of servers)
    await load(server.url, { ...server.request, amount: Number(opts.warm) }, server.child.pid);
  for (let window = 0; window < Number(opts.windows); window++) {
    for (const server of servers) {
      const before = cpuMs(server.child.pid);
      const result = await load(server.url, { ...server.request, duration: Number(opts.seconds) }, server.child.pid);
      const used = cpuMs(server.child.pid) - before;
      const bad = result.errors + result.timeouts + (scenario.status === 200 ? result.non2xx : 0);
      if (bad > 0) throw new Error(`${server.name}: ${bad} failed requests in window ${window + 1}`);
      server.cpuUs.push((used * 1000) / result.requests.total);
      server.rps.push(result.requests.average);
    }
  }
} finally {
  for (const server of servers) await stopServer(server.child);
}

const fmt = (n) => n.toFixed(1);
console.log(`Scenario ${scenario.id} (${scenario.name}), ${opts.windows} alternating windows of ${opts.seconds} s,`);
console.log(`${connections} connections, ${pinning}.`);
console.log("| server | CPU µs per request: median (min–max) | req/s (median) | base ÷ server |");
console.log("| --- | ---: | ---: | ---: |");
const baseUs = median(servers[0].cpuUs);
for (const server of servers) {
  const us = median(server.cpuUs);
  const range = `${fmt(Math.min(...server.cpuUs))}–${fmt(Math.max(...server.cpuUs))}`;
  const share = server === servers[0] ? "(base)" : (baseUs / us).toFixed(2);
  console.log(`| ${server.name} | ${fmt(us)} (${range}) | ${Math.round(median(server.rps))} | ${share} |`);
}
