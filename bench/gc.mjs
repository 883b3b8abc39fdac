// `pnpm bench:gc SERVERS SCENARIO [REQUESTS] [PIPELINING]`: how each server's garbage
// collector fares under the bench's load (50 connections, PIPELINING requests in flight on
// each, default 10). Starts each server under `node --trace-gc`, checks its answers, warms it
// with 20 000 requests, then sends REQUESTS (default 60 000) and prints, from V8's own trace:
// young collections (scavenges) and their time, how much the old generation grew per
// scavenge (objects promoted that a young collection should have freed), full collections,
// and the server's CPU time per request (user + system, every thread; from /proc, Linux only).
// A server that keeps requests alive too long shows up as slow scavenges and a growing old
// generation long before it shows in req/s.
// Example: pnpm bench:gc raw,aex,fastify 3
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { here, load } from "./lib.mjs";
import { checkProcess, processFor, requestOf, scenarioById } from "./dist/scenarios.js";

const [names = "raw,aex,fastify", id = "3", amount = "60000", pipelining = "10"] = process.argv.slice(2);
const scenario = scenarioById(Number(id));

/** CPU time of a process so far, in ms (fields 14 and 15 of /proc/PID/stat are in clock ticks of 10 ms). */
function cpuMs(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** Scavenges and full collections in a `--trace-gc` log. */
function summarize(trace) {
  const scavenges = [];
  let fullCount = 0;
  let fullMs = 0;
  for (const line of trace.split("\n")) {
    const pause = Number(/, ([\d.]+) \/ [\d.]+ ms/.exec(line)?.[1] ?? 0);
    const sizes = /: \w[\w-]* ([\d.]+) \([\d.]+\) -> ([\d.]+) \([\d.]+\) MB/.exec(line);
    if (line.includes("Scavenge") && sizes !== null) scavenges.push({ pause, after: Number(sizes[2]) });
    else if (line.includes("Mark-Compact")) {
      fullCount++;
      fullMs += pause;
    }
  }
  const ms = scavenges.reduce((sum, s) => sum + s.pause, 0);
  // Heap size after a scavenge is the old generation plus the survivors: its growth between
  // the first and the last scavenge (with no full collection between) is what got promoted.
  const growth =
    scavenges.length > 1 && fullCount === 0
      ? (scavenges.at(-1).after - scavenges[0].after) / (scavenges.length - 1)
      : null;
  return { count: scavenges.length, ms, growth, fullCount, fullMs };
}

console.log(`scenario ${id} (${scenario.name}), ${amount} requests, 50 connections × ${pipelining} pipelined`);
console.log(
  "| server | req/s | scavenges | ms each | old gen. growth per scavenge | full GCs (ms) | CPU µs per request |",
);
console.log("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
for (const name of names.split(",")) {
  const proc = processFor(name, scenario.id);
  if (proc === undefined) {
    console.log(`| ${name} | has no scenario ${id} | | | | | |`);
    continue;
  }
  const port = 4970;
  const child = spawn(process.execPath, ["--trace-gc", join(here, proc.script), String(port), ...(proc.args ?? [])], {
    stdio: ["ignore", "pipe", "inherit"],
    env: { ...process.env, NODE_ENV: "production" },
  });
  let trace = "";
  child.stdout.on("data", (chunk) => (trace += chunk));
  await new Promise((resolve) => {
    const poll = setInterval(() => trace.includes("ready") && (clearInterval(poll), resolve()), 20);
  });
  const base = `http://127.0.0.1:${port}`;
  const cookie = await checkProcess(base, name, { ...proc, scenarios: [scenario.id] });
  const { method, headers, body } = requestOf(scenario, cookie);
  delete headers["accept-encoding"]; // autocannon asks for no encoding
  const flow = { connections: 50, pipelining: Number(pipelining), method, headers, body };
  await load(base + scenario.path, { ...flow, amount: 20_000 }, child.pid);
  trace = "";
  const before = cpuMs(child.pid);
  const started = performance.now();
  await load(base + scenario.path, { ...flow, amount: Number(amount) }, child.pid);
  const rate = (Number(amount) * 1000) / (performance.now() - started);
  const cpu = ((cpuMs(child.pid) - before) * 1000) / Number(amount);
  await new Promise((resolve) => {
    child.once("exit", resolve);
    child.kill("SIGKILL");
  });
  const gc = summarize(trace);
  const growth = gc.growth === null ? "–" : `${gc.growth.toFixed(2)} MB`;
  const each = gc.count > 0 ? (gc.ms / gc.count).toFixed(2) : "–";
  console.log(
    `| ${name} | ${Math.round(rate)} | ${gc.count} | ${each} | ${growth} | ${gc.fullCount} (${gc.fullMs.toFixed(0)}) | ${cpu.toFixed(1)} |`,
  );
}
