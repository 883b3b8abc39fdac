// Shared by run.mjs and leak.mjs: start a pinned server, load it, sample its memory.
import { spawn, spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { cpus } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const autocannonBin = join(dirname(require.resolve("autocannon/package.json")), "autocannon.js");

/** `taskset -c N` when Linux has it and two cores: server and load never share a core. */
const canPin = process.platform === "linux" && cpus().length >= 2 && spawnSync("taskset", ["-V"]).status === 0;
export const pinning = canPin ? "server on CPU 0, load generator on CPU 1 (taskset)" : "no CPU pinning";
const pinned = (cpu, args) => (canPin ? ["taskset", ["-c", String(cpu), ...args]] : [args[0], args.slice(1)]);

/** The Bun binary of the root devDependency `bun`, found once, when a Bun server first starts. */
let bunBinary;
export async function bunPath() {
  bunBinary ??= (await import("../scripts/test-bun.mjs")).findBun();
  return bunBinary;
}

/** The command that runs a server script: node (`--no-warnings`), or Bun for `runtime: "bun"`. */
async function runtimeCommand(runtime) {
  if (runtime !== "bun") return [process.execPath, "--no-warnings"];
  return [(await bunPath()).path];
}

/**
 * Starts a server script on `port` (then its own `args`) with node, or with Bun when `runtime`
 * is `"bun"`; resolves once it prints "ready".
 */
export async function startServer(script, port, args = [], runtime = "node") {
  // --no-warnings: Express warns about socket listeners under pipelining; noise here.
  const [command, rest] = pinned(0, [...(await runtimeCommand(runtime)), script, String(port), ...args]);
  const child = spawn(command, rest, {
    stdio: ["ignore", "pipe", "inherit"],
    env: { ...process.env, NODE_ENV: "production" },
  });
  return new Promise((resolve, reject) => {
    child.stdout.on("data", (chunk) => {
      if (String(chunk).includes("ready")) resolve(child);
    });
    child.once("exit", (code) => reject(new Error(`${script} exited with ${code}`)));
  });
}

export function stopServer(child) {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once("exit", resolve);
    child.kill("SIGTERM");
  });
}

/** The resident memory of a process (the server, not taskset), in bytes. */
export function rssOf(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
  } catch {
    return 0;
  }
}

/** CPU time of a process so far, in ms (fields 14 and 15 of /proc/PID/stat, in clock ticks of 10 ms); 0 off Linux. */
export function cpuMs(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return 0;
  }
}

/** The node process itself: under taskset, it is taskset's only child (same pid after exec). */
export const serverPid = (child) => child.pid;

/** Runs autocannon (pinned to CPU 1) and returns its JSON result, sampling `pid`'s RSS. */
export function load(url, { connections, pipelining = 1, duration, amount, method = "GET", body, headers = {} }, pid) {
  const args = [autocannonBin, "-j", "-c", String(connections), "-p", String(pipelining)];
  if (amount) args.push("-a", String(amount));
  else args.push("-d", String(duration));
  if (method !== "GET") args.push("-m", method);
  for (const [name, value] of Object.entries(headers)) args.push("-H", `${name}=${value}`);
  if (body) args.push("-b", body);
  args.push(url);
  const [command, rest] = pinned(1, [process.execPath, ...args]);
  let peak = 0;
  const samples = [];
  const sampler = setInterval(() => {
    const rss = rssOf(pid);
    peak = Math.max(peak, rss);
    samples.push(rss);
  }, 250);
  return new Promise((resolve, reject) => {
    const child = spawn(command, rest, { stdio: ["ignore", "pipe", "ignore"] });
    let out = "";
    child.stdout.on("data", (chunk) => (out += chunk));
    child.once("exit", (code) => {
      clearInterval(sampler);
      if (code !== 0) return reject(new Error(`autocannon exited with ${code}`));
      resolve({ ...JSON.parse(out), peakRss: peak, rssSamples: samples });
    });
  });
}

export const mb = (bytes) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/** Replaces (or appends) the `<!-- name:start -->…<!-- name:end -->` section of RESULTS.md. */
export function writeResultsSection(name, body) {
  const path = join(here, "RESULTS.md");
  const section = `<!-- ${name}:start -->\n${body}\n<!-- ${name}:end -->`;
  let results;
  try {
    results = readFileSync(path, "utf8");
  } catch {
    results = "# Benchmark results\n";
  }
  const pattern = new RegExp(`<!-- ${name}:start -->[\\s\\S]*<!-- ${name}:end -->`);
  writeFileSync(
    path,
    pattern.test(results) ? results.replace(pattern, section) : `${results.trimEnd()}\n\n${section}\n`,
  );
}
