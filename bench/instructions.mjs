// `pnpm bench:instructions`: CPU instructions per request, counted by valgrind's callgrind.
// Unlike req/s, instruction counts do not drift with the machine's load. Each server starts
// under callgrind with counting off, answers `warm` requests (JIT warm-up), then counts
// `count` requests. Two figures per request:
//   main: the main thread without major GCs: the work of answering (minor GCs included;
//         10 000 requests hold enough of them to be stable to about 1-3%);
//   all:  every thread (V8's background compiler, concurrent marking and sweeping
//         included), which moves by ±20% between runs with when a major GC or a late
//         optimization lands in the counted window.
// Needs valgrind (Debian package). Slow: several minutes per server and scenario.
// Options: --servers raw,aex,fastify --scenarios 1,2,3,9,10 --warm 5000 (Bun: 20000) --count 10000
//          --runs 1 (the median of several) --port 4800 --keep DIR (callgrind files)
//          --write (put the table in RESULTS.md instead of printing it only)
// Servers and scenarios are bench/src/scenarios.ts's; pairs that measure one feature:
//   logging:  --servers aex,aex-nolog,aex-log,fastify,fastify-log --scenarios 1,2
//   ops:      --servers ops-off,compress-on,metrics-on --scenarios 1,11,12,13
// Servers that run on Bun (aex-bun, bun; scenarios 1,2,3,9) start under callgrind with the Bun
// binary scripts/test-bun.mjs finds; callgrind then writes one file per thread, and `main` is
// the main thread's (the one that answers; the collections it runs included, as Bun's GC
// marks and sweeps partly there), `all` every thread's (JSC's compilers and GC helpers).
//   bun:      --servers bun,aex-bun --scenarios 1,2,3,9
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { parseArgs } from "node:util";
import { bunPath, here, load, writeResultsSection } from "./lib.mjs";
import { checkProcess, processFor, requestOf, scenarioById } from "./dist/scenarios.js";

const { values: opts } = parseArgs({
  options: {
    servers: { type: "string", default: "raw,aex,fastify" },
    scenarios: { type: "string", default: "1,2,3,9,10" },
    // Default: 5,000 on node, 20,000 on Bun (see BUN_WARM).
    warm: { type: "string" },
    count: { type: "string", default: "10000" },
    runs: { type: "string", default: "1" },
    // First port used; another run on the same machine needs another range.
    port: { type: "string", default: "4800" },
    keep: { type: "string" },
    write: { type: "boolean", default: false },
  },
});

for (const tool of ["valgrind", "callgrind_control", "callgrind_annotate"]) {
  if (spawnSync(tool, ["--version"]).error !== undefined) {
    console.error(`${tool} is missing: apt-get install -y valgrind`);
    process.exit(1);
  }
}

/**
 * Bun servers' warm-up unless --warm says otherwise. JSC tiers code up later than V8: after
 * 3,000 requests its compiler thread still added 13-85k instructions per request to Aex's count
 * and the main thread still ran lower tiers; after 20,000 every thread together was within 3 %
 * of the main thread (bench/RESULTS.md, "On Bun: instructions per request"), the steady state
 * that req/s rounds measure.
 */
const BUN_WARM = 20_000;
const NODE_WARM = 5_000;
/** The warm-up of `proc`: --warm, else its runtime's default. */
const warmOf = (proc) => Number(opts.warm ?? (proc.runtime === "bun" ? BUN_WARM : NODE_WARM));

/** Inclusive instructions of `fn` in callgrind_annotate's output (0 when absent). */
function inclusive(annotated, fn) {
  const escaped = fn.replace(/[()*:]/g, (c) => `\\${c}`);
  const match = new RegExp(`^\\s*([\\d,]+) \\([^)]*\\)\\s+\\?\\?\\?:${escaped}`, "m").exec(annotated);
  return match === null ? 0 : Number(match[1].replace(/,/g, ""));
}

/** Instructions per request of one server process answering `count` requests of `scenario`. */
async function instructions(name, scenario, port, run) {
  const proc = processFor(name, scenario.id);
  const out = join(tmpdir(), `aex-callgrind-${process.pid}-${port}.out`);
  const bun = proc.runtime === "bun";
  const runtime = bun ? [(await bunPath()).path] : [process.execPath, "--no-warnings"];
  const child = spawn(
    "valgrind",
    [
      "--tool=callgrind",
      "--instr-atstart=no",
      // Bun: one file per thread (out-01 the main thread); see the top of this file.
      ...(bun ? ["--separate-threads=yes"] : []),
      `--callgrind-out-file=${out}`,
      ...runtime,
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
  const request = { connections: 10, method, headers, body };
  const control = (arg) => {
    const result = spawnSync("callgrind_control", [arg, String(child.pid)], { encoding: "utf8" });
    if (result.status !== 0) throw new Error(`callgrind_control ${arg}: ${result.stderr}${result.stdout}`);
  };
  await load(base + scenario.path, { ...request, amount: warmOf(proc) }, child.pid);
  control("--instr=on");
  await load(base + scenario.path, { ...request, amount: Number(opts.count) }, child.pid);
  control("--instr=off");
  await new Promise((resolve) => {
    child.once("exit", resolve);
    child.kill("SIGTERM");
  });
  const count = Number(opts.count);
  if (bun) return bunInstructions(out, name, scenario, run, count);
  const total = Number(/^totals: (\d+)/m.exec(readFileSync(out, "utf8"))?.[1]);
  const annotated = spawnSync("callgrind_annotate", ["--inclusive=yes", "--threshold=100", out], {
    encoding: "utf8",
    maxBuffer: 1 << 28,
  }).stdout;
  const workers = inclusive(annotated, "node::(anonymous namespace)::PlatformWorkerThread(void*)");
  const majorGc = inclusive(annotated, "v8::internal::Heap::MarkCompact()");
  if (opts.keep) {
    mkdirSync(opts.keep, { recursive: true });
    renameSync(out, join(opts.keep, `${name}-${scenario.id}-${run}.callgrind`));
  } else rmSync(out, { force: true });
  return { main: Math.round((total - workers - majorGc) / count), all: Math.round(total / count) };
}

/** A Bun server's figures from callgrind's files, one per thread (`out-01`, `out-02`…). */
function bunInstructions(out, name, scenario, run, count) {
  const files = readdirSync(dirname(out))
    .filter((file) => file.startsWith(`${basename(out)}-`))
    .sort();
  const totals = files.map((file) =>
    Number(/^totals: (\d+)/m.exec(readFileSync(join(dirname(out), file), "utf8"))?.[1] ?? 0),
  );
  if (!files[0]?.endsWith("-01") || !(totals[0] > 0))
    throw new Error(`no callgrind file of Bun's main thread (${out}-01)`);
  for (const file of files) {
    if (opts.keep) {
      mkdirSync(opts.keep, { recursive: true });
      renameSync(
        join(dirname(out), file),
        join(opts.keep, `${name}-${scenario.id}-${run}.callgrind${file.slice(basename(out).length)}`),
      );
    } else rmSync(join(dirname(out), file), { force: true });
  }
  const all = totals.reduce((sum, n) => sum + n, 0);
  return { main: Math.round(totals[0] / count), all: Math.round(all / count) };
}

const servers = opts.servers.split(",");
const ids = opts.scenarios.split(",").map(Number);
const runs = Number(opts.runs);
const rows = [];
let port = Number(opts.port);
const fmt = (n) => (n === undefined ? "–" : n.toLocaleString("en-US"));
for (const id of ids) {
  const scenario = scenarioById(id);
  for (const name of servers) {
    if (processFor(name, id) === undefined) continue;
    const measured = [];
    for (let run = 1; run <= runs; run++) measured.push(await instructions(name, scenario, ++port, run));
    const median = (key) => measured.map((m) => m[key]).sort((a, b) => a - b)[Math.floor(runs / 2)];
    rows.push({ id, name, main: median("main"), all: median("all") });
    const spread = runs > 1 ? ` (runs ${measured.map((m) => fmt(m.main)).join("/")})` : "";
    console.log(`#${id} ${name.padEnd(19)} main ${fmt(median("main"))}${spread}  all threads ${fmt(median("all"))}`);
  }
}

const of = (id, name) => rows.find((r) => r.id === id && r.name === name);
// With raw node:http in the run: raw's main count ÷ each server's, the share of raw's speed
// a CPU-bound server reaches (1.00: the same work). Without it: each server's count ÷ the
// first server's, how many times its work the others do.
const base = servers.includes("raw") ? "raw" : servers[0];
const others = servers.filter((name) => name !== base);
const ratio = (id, name) => {
  const [a, b] = [of(id, base)?.main, of(id, name)?.main];
  if (!a || !b) return "–";
  return (base === "raw" ? a / b : b / a).toFixed(2);
};
const ratioHead = (name) => (base === "raw" ? `raw ÷ ${name}` : `${name} ÷ ${base}`);
const lines = ids.map((id) => {
  const cells = servers.map((name) => `${fmt(of(id, name)?.main)} (${fmt(of(id, name)?.all)})`);
  return `| ${id}. ${scenarioById(id).name} | ${cells.join(" | ")} | ${others.map((name) => ratio(id, name)).join(" | ")} |`;
});
const command = `pnpm bench:instructions --servers ${opts.servers} --scenarios ${opts.scenarios}${opts.warm === undefined ? "" : ` --warm ${opts.warm}`} --count ${opts.count}${runs > 1 ? ` --runs ${runs}` : ""}`;
const legend =
  base === "raw"
    ? "The last columns are raw's main count ÷ each server's: the share of raw node:http's speed a CPU-bound server reaches (1.00: the same work)."
    : `The last columns are each server's main count ÷ ${base}'s: how many times ${base}'s work it does per request.`;
const onBun = servers.filter((name) => ids.some((id) => processFor(name, id)?.runtime === "bun"));
const runtimes = [
  ...(onBun.length < servers.length ? [`Node ${process.version}`] : []),
  ...(onBun.length > 0 ? [`Bun ${(await bunPath()).version} for ${onBun.join(", ")}`] : []),
].join("; ");
const bunNote =
  onBun.length > 0
    ? `\nOn Bun (${onBun.join(", ")}), the first figure is the whole main thread, the collections it runs included.`
    : "";
const warmText =
  opts.warm !== undefined
    ? fmt(Number(opts.warm))
    : onBun.length === 0
      ? fmt(NODE_WARM)
      : onBun.length === servers.length
        ? fmt(BUN_WARM)
        : `${fmt(NODE_WARM)} (on Bun ${fmt(BUN_WARM)})`;
const section = `## Instructions per request (\`${command}\`, ${runtimes})

Counted by callgrind over ${fmt(Number(opts.count))} requests (10 connections, no pipelining) after ${warmText} uncounted
warm-up requests${runs > 1 ? `, median of ${runs} runs` : ""}. Each cell: the main thread without major GCs (minor GCs
included; stable to about 1-3%), then every thread in parentheses (V8's background compiler and
concurrent GC included; it moves by ±20% with when a major GC lands). Fewer is faster.${bunNote}
${legend}

| scenario | ${servers.join(" | ")} | ${others.map(ratioHead).join(" | ")} |
| --- | ${servers.map(() => "---:").join(" | ")} | ${others.map(() => "---:").join(" | ")} |
${lines.join("\n")}`;
console.log(`\n${section}`);
// Only with --write: RESULTS.md keeps a table curated from several runs (each row names its
// command), which a quick measurement must not overwrite. One section per set of servers.
if (opts.write) writeResultsSection(base === "raw" ? "instructions" : `instructions-${servers.join("-")}`, section);
