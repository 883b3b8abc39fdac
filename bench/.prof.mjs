// scratch: cpu profile of one server on one scenario; prints self-time by function and by file
import { spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { here, load } from "./lib.mjs";
import { checkProcess, processFor, requestOf, scenarioById } from "./dist/scenarios.js";
const [name = "aex", id = "9", amount = "60000", dir = "/tmp/prof"] = process.argv.slice(2);
const scenario = scenarioById(Number(id));
const proc = processFor(name, scenario.id);
const port = 4990;
const child = spawn(process.execPath, ["--cpu-prof", `--cpu-prof-dir=${dir}`, "--cpu-prof-interval=200", join(here, proc.script), String(port), ...(proc.args ?? [])], { stdio: ["ignore", "pipe", "inherit"], env: { ...process.env, NODE_ENV: "production" } });
await new Promise((r) => child.stdout.on("data", (c) => String(c).includes("ready") && r()));
const base = `http://127.0.0.1:${port}`;
const cookie = await checkProcess(base, name, { ...proc, scenarios: [scenario.id] });
const { method, headers, body } = requestOf(scenario, cookie);
delete headers["accept-encoding"];
const r = await load(base + scenario.path, { connections: 10, method, headers, body, amount: Number(amount) }, child.pid);
console.log("req/s", r.requests.average);
await new Promise((res) => { child.once("exit", res); child.kill("SIGTERM"); });
const file = readdirSync(dir).filter((f) => f.endsWith(".cpuprofile")).sort().pop();
const prof = JSON.parse(readFileSync(join(dir, file), "utf8"));
const dt = new Map();
for (let i = 0; i < prof.samples.length; i++) dt.set(prof.samples[i], (dt.get(prof.samples[i]) ?? 0) + (prof.timeDeltas[i] ?? 0));
const self = new Map(), byFile = new Map();
let total = 0;
for (const n of prof.nodes) {
  const t = dt.get(n.id) ?? 0; total += t;
  const f = n.callFrame;
  const file = (f.url || "(native)").replace(/.*node_modules\//, "nm/").replace(/.*\/packages\//, "pk/");
  const key = `${f.functionName || "(anon)"} ${file}:${f.lineNumber + 1}`;
  self.set(key, (self.get(key) ?? 0) + t);
  byFile.set(file, (byFile.get(file) ?? 0) + t);
}
const top = (m, k) => [...m].sort((a, b) => b[1] - a[1]).slice(0, k).map(([key, t]) => `${(100 * t / total).toFixed(1).padStart(5)}%  ${key}`).join("\n");
console.log("== by function\n" + top(self, 45) + "\n== by file\n" + top(byFile, 30));
