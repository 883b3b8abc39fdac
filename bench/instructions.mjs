// `pnpm bench:instructions`: CPU instructions per request, counted by valgrind's callgrind.
// Unlike req/s, instruction counts do not drift with the machine's load. Each server runs
// twice under callgrind, with `small` and `large` request counts; the difference over the
// extra requests cancels start-up and most JIT warm-up. Needs valgrind (Debian package).
// Slow: a minute or more per server and scenario.
// Options: --servers raw,aex,fastify --scenarios 1,2,3,9,10 --small 500 --large 2500 --port 4800
//          --keep DIR (keep the callgrind files, for `callgrind_annotate`)
// Servers and scenarios are bench/src/scenarios.ts's; a few pairs measure one feature:
//   logging:  --servers aex,aex-nolog,fastify,fastify-log --scenarios 1,2
//   ops:      --servers ops-off,compress-on,metrics-on --scenarios 1,11,12,13
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { here, load, writeResultsSection } from "./lib.mjs";
import { checkProcess, processFor, requestOf, scenarioById } from "./dist/scenarios.js";

const { values: opts } = parseArgs({
  options: {
    servers: { type: "string", default: "raw,aex,fastify" },
    scenarios: { type: "string", default: "1,2,3,9,10" },
    small: { type: "string", default: "500" },
    large: { type: "string", default: "2500" },
    // First port used; another run on the same machine needs another range.
    port: { type: "string", default: "4800" },
    keep: { type: "string" },
  },
});

if (spawnSync("valgrind", ["--version"]).status !== 0) {
  console.error("valgrind is missing: apt-get install -y valgrind");
  process.exit(1);
}

/** Total instructions of one server process that answered `requests` requests of `scenario`. */
async function instructions(name, scenario, requests, port) {
  const proc = processFor(name, scenario.id);
  const out = join(tmpdir(), `aex-callgrind-${process.pid}-${port}.out`);
  const child = spawn(
    "valgrind",
    [
      "--tool=callgrind",
      `--callgrind-out-file=${out}`,
      process.execPath,
      "--no-warnings",
      join(here, proc.script),
      String(port),
      ...(proc.args ?? []),
    ],
    { stdio: ["ignore", "pipe", "ignore"], env: { ...process.env, NODE_ENV: "production" } },
  );
  await new Promise((resolve, reject) => {
    child.stdout.on("data", (chunk) => String(chunk).includes("ready") && resolve());
    child.once("exit", (code) => reject(new Error(`${proc.script} exited with ${code}`)));
  });
  const base = `http://127.0.0.1:${port}`;
  // The same answers as under `pnpm bench`, and the session cookie realistic scenarios send.
  const cookie = await checkProcess(base, name, { ...proc, scenarios: [scenario.id] });
  const { method, headers, body } = requestOf(scenario, cookie);
  delete headers["accept-encoding"]; // autocannon asks for no encoding
  await load(base + scenario.path, { connections: 10, amount: requests, method, headers, body }, child.pid);
  await new Promise((resolve) => {
    child.once("exit", resolve);
    child.kill("SIGTERM");
  });
  const total = Number(/^summary: (\d+)/m.exec(readFileSync(out, "utf8"))?.[1]);
  if (opts.keep) {
    mkdirSync(opts.keep, { recursive: true });
    renameSync(out, join(opts.keep, `${name}-${scenario.id}-${requests}.callgrind`));
  } else rmSync(out, { force: true });
  return total;
}

const small = Number(opts.small);
const large = Number(opts.large);
const servers = opts.servers.split(",");
const ids = opts.scenarios.split(",").map(Number);
const rows = [];
let port = Number(opts.port);
for (const id of ids) {
  const scenario = scenarioById(id);
  for (const name of servers) {
    if (processFor(name, id) === undefined) continue;
    const a = await instructions(name, scenario, small, ++port);
    const b = await instructions(name, scenario, large, ++port);
    const perRequest = Math.round((b - a) / (large - small));
    rows.push({ id, name, perRequest });
    console.log(`#${id} ${name.padEnd(19)} ${perRequest.toLocaleString("en-US")} instructions per request`);
  }
}

const of = (id, name) => rows.find((r) => r.id === id && r.name === name)?.perRequest;
// Raw node:http's count ÷ each server's: the share of raw's speed a server can reach on
// this work (1.00 = as fast as raw). Without raw in the run, the first server is the base.
const base = servers.includes("raw") ? "raw" : servers[0];
const ratio = (id, name) => (of(id, base) && of(id, name) ? (of(id, base) / of(id, name)).toFixed(2) : "–");
const lines = ids.map((id) => {
  const cells = servers.map((name) => (of(id, name) === undefined ? "–" : of(id, name).toLocaleString("en-US")));
  const ratios = servers.filter((name) => name !== base).map((name) => ratio(id, name));
  return `| ${id}. ${scenarioById(id).name} | ${cells.join(" | ")} | ${ratios.join(" | ")} |`;
});
const others = servers.filter((name) => name !== base);
const section = `## Instructions per request (\`pnpm bench:instructions --servers ${opts.servers} --scenarios ${opts.scenarios}\`, Node ${process.version})

Counted by callgrind: (instructions after ${large} requests − after ${small}) ÷ ${large - small}, over
10 connections without pipelining. Fewer is faster; the last columns are ${base}'s count ÷ each
server's (1.00: as little work as ${base}; this is the req/s ratio a CPU-bound server reaches).

| scenario | ${servers.join(" | ")} | ${others.map((name) => `${base} ÷ ${name}`).join(" | ")} |
| --- | ${servers.map(() => "---:").join(" | ")} | ${others.map(() => "---:").join(" | ")} |
${lines.join("\n")}`;
console.log(`\n${section}`);
// One section per set of servers: the default run, the logging pair and the ops trio keep theirs.
const sectionName = base === "raw" ? "instructions" : `instructions-${servers.join("-")}`;
writeResultsSection(sectionName, section);
