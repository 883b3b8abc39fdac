// `pnpm bench:profile SERVER SCENARIO [REQUESTS] [PIPELINING]`: where one server spends its
// CPU on one scenario. Starts the server under `node --cpu-prof` (`bun --cpu-prof` for a Bun
// server, which writes the same format), checks its answers, sends REQUESTS (default 60 000;
// 10 connections, or with PIPELINING > 1 the bench's 50 connections with that many requests in
// flight on each) and prints self time by function and by file, with the profile's path (open
// it in Chrome DevTools for the call tree). Self time includes what V8 inlined into a function,
// so a builtin's cost shows under its caller.
// Example: pnpm bench:profile aex 9
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bunPath, here, load } from "./lib.mjs";
import { checkProcess, processFor, requestOf, scenarioById } from "./dist/scenarios.js";

const [name = "aex", id = "9", amount = "60000", pipelining = "1"] = process.argv.slice(2);
const scenario = scenarioById(Number(id));
const proc = processFor(name, scenario.id);
if (proc === undefined) throw new Error(`${name} has no scenario ${id}`);
const dir = mkdtempSync(join(tmpdir(), "aex-profile-"));
const port = 4990;
// A Bun server (aex-bun, bun…) runs under Bun's own profiler, which writes the same format.
const runtime = proc.runtime === "bun" ? (await bunPath()).path : process.execPath;
const child = spawn(
  runtime,
  [
    "--cpu-prof",
    `--cpu-prof-dir=${dir}`,
    "--cpu-prof-interval=200",
    join(here, proc.script),
    String(port),
    ...(proc.args ?? []),
  ],
  { stdio: ["ignore", "pipe", "inherit"], env: { ...process.env, NODE_ENV: "production" } },
);
await new Promise((resolve) => child.stdout.on("data", (chunk) => String(chunk).includes("ready") && resolve()));
const base = `http://127.0.0.1:${port}`;
const cookie = await checkProcess(base, name, { ...proc, scenarios: [scenario.id] });
const { method, headers, body } = requestOf(scenario, cookie);
delete headers["accept-encoding"]; // autocannon asks for no encoding
const flow = Number(pipelining) > 1 ? { connections: 50, pipelining: Number(pipelining) } : { connections: 10 };
const result = await load(base + scenario.path, { ...flow, method, headers, body, amount: Number(amount) }, child.pid);
console.log(`${name}, scenario ${id}: ${Math.round(result.requests.average)} req/s under the profiler`);
await new Promise((resolve) => {
  child.once("exit", resolve);
  child.kill("SIGTERM"); // the servers exit normally on it, so the profile is written
});

const file = join(
  dir,
  readdirSync(dir).find((f) => f.endsWith(".cpuprofile")),
);
const profile = JSON.parse(readFileSync(file, "utf8"));
const timeOf = new Map();
profile.samples.forEach((node, i) => timeOf.set(node, (timeOf.get(node) ?? 0) + (profile.timeDeltas[i] ?? 0)));
const byFunction = new Map();
const byFile = new Map();
let total = 0;
for (const node of profile.nodes) {
  const time = timeOf.get(node.id) ?? 0;
  total += time;
  const { url, functionName, lineNumber } = node.callFrame;
  const where = (url || "(native)").replace(/.*node_modules\//, "").replace(/.*\/packages\//, "packages/");
  const fn = `${functionName || "(anonymous)"} ${where}:${lineNumber + 1}`;
  byFunction.set(fn, (byFunction.get(fn) ?? 0) + time);
  byFile.set(where, (byFile.get(where) ?? 0) + time);
}
const top = (map, count) =>
  [...map]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([key, time]) => `${((100 * time) / total).toFixed(1).padStart(5)}%  ${key}`)
    .join("\n");
console.log(
  `\nself time by function\n${top(byFunction, 45)}\n\nself time by file\n${top(byFile, 30)}\n\nprofile: ${file}`,
);
