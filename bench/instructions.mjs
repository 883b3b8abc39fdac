// `pnpm bench:instructions`: CPU instructions per request, counted by valgrind's callgrind,
// for Aex and Fastify (and raw node:http) on scenarios 1-5. Unlike req/s, instruction counts
// do not drift with the machine's load. Each server runs twice under callgrind, with `small`
// and `large` request counts; the difference over the extra requests cancels start-up and
// most JIT warm-up. Needs valgrind (Debian package). Slow: about a minute per pair.
// Options: --servers aex,fastify,raw --scenarios 1,2,3,4,5 --small 500 --large 2500 --port 4800
// Servers also include the logging pair: aex-nolog (logger: false), fastify-log (logger: true).
// Options: --servers aex,fastify,raw --scenarios 1,2,3,4,5 --small 500 --large 2500
// compress() and metrics(): --servers ops-off,compress-on,metrics-on --scenarios 1,6,7,8 --port 5900.
import { spawn, spawnSync } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { here, load, writeResultsSection } from "./lib.mjs";

const { values: opts } = parseArgs({
  options: {
    servers: { type: "string", default: "aex,fastify,raw" },
    scenarios: { type: "string", default: "1,2,3,4,5" },
    small: { type: "string", default: "500" },
    large: { type: "string", default: "2500" },
    // The first port tried; several runs on one machine need their own range.
    // First port used; another run on the same machine needs another range.
    port: { type: "string", default: "4800" },
  },
});

if (spawnSync("valgrind", ["--version"]).status !== 0) {
  console.error("valgrind is missing: apt-get install -y valgrind");
  process.exit(1);
}

const SERVERS = {
  raw: join(here, "servers/raw.js"),
  aex: join(here, "dist/aex-server.js"),
  fastify: join(here, "servers/fastify.js"),
  // The logging pair: Aex without its default logger, Fastify with its pino logger on.
  "aex-nolog": [join(here, "dist/aex-server.js"), "nolog"],
  "fastify-log": join(here, "servers/fastify-logger.js"),
  "fastify-helmet": join(here, "servers/fastify-helmet.js"),
  // What compress() and metrics() cost: `--servers ops-off,compress-on,metrics-on --scenarios 1,6,7,8`.
  "ops-off": join(here, "dist/aex-ops-off.js"),
  "compress-on": join(here, "dist/aex-compress-on.js"),
  "metrics-on": join(here, "dist/aex-metrics-on.js"),
};
const JSON_HEADERS = { "content-type": "application/json" };
const NOTE = '{"title":"Hello","stars":4,"status":"draft","tags":["a","b"],"author":{"name":"Ann","age":30}}';
const SCENARIOS = {
  1: { path: "/" },
  2: { path: "/user/42" },
  3: { path: "/echo", method: "POST", headers: JSON_HEADERS, body: '{"hello":"world","n":1}' },
  4: { path: "/r150/items/42" },
  5: { path: "/missing" },
  6: { path: "/steps/42?page=2" },
  // Validation: a JSON body of 5 fields, one a nested object (`--scenarios 7,8`).
  7: { path: "/validate", method: "POST", headers: JSON_HEADERS, body: NOTE },
  8: { path: "/validate-zod", method: "POST", headers: JSON_HEADERS, body: NOTE },
  // A 2 KB JSON answer: without Accept-Encoding, then asking for gzip, then for br.
  6: { path: "/big" },
  7: { path: "/big", headers: { "accept-encoding": "gzip" } },
  8: { path: "/big", headers: { "accept-encoding": "gzip, deflate, br" } },
};

/** Total instructions of one server process that answered `requests` requests. */
async function instructions(script, scenario, requests, port) {
  const out = join(tmpdir(), `aex-callgrind-${process.pid}-${port}.out`);
  const child = spawn(
    "valgrind",
    [
      "--tool=callgrind",
      `--callgrind-out-file=${out}`,
      process.execPath,
      "--no-warnings",
      [script].flat()[0],
      String(port),
      ...[script].flat().slice(1),
    ],
    { stdio: ["ignore", "pipe", "ignore"], env: { ...process.env, NODE_ENV: "production" } },
  );
  await new Promise((resolve, reject) => {
    child.stdout.on("data", (chunk) => String(chunk).includes("ready") && resolve());
    child.once("exit", (code) => reject(new Error(`${[script].flat().join(" ")} exited with ${code}`)));
  });
  const { path, ...request } = scenario;
  await load(`http://127.0.0.1:${port}${path}`, { connections: 10, amount: requests, ...request }, child.pid);
  await new Promise((resolve) => {
    child.once("exit", resolve);
    child.kill("SIGTERM");
  });
  const total = Number(/^summary: (\d+)/m.exec(readFileSync(out, "utf8"))?.[1]);
  rmSync(out, { force: true });
  return total;
}

const small = Number(opts.small);
const large = Number(opts.large);
const rows = [];
let port = Number(opts.port);
for (const id of opts.scenarios.split(",")) {
  for (const name of opts.servers.split(",")) {
    const a = await instructions(SERVERS[name], SCENARIOS[id], small, ++port);
    const b = await instructions(SERVERS[name], SCENARIOS[id], large, ++port);
    const perRequest = Math.round((b - a) / (large - small));
    rows.push({ id, name, perRequest });
    console.log(`#${id} ${name.padEnd(8)} ${perRequest.toLocaleString("en-US")} instructions per request`);
  }
}

const of = (id, name) => rows.find((r) => r.id === id && r.name === name)?.perRequest;
const servers = opts.servers.split(",");
const ops = servers.includes("ops-off");
const compared = ops ? servers.filter((name) => name !== "ops-off") : ["fastify"];
const base = ops ? "ops-off" : "aex";
const ratio = (id, name) => (of(id, base) && of(id, name) ? (of(id, name) / of(id, base)).toFixed(2) : "–");
const lines = opts.scenarios.split(",").map((id) => {
  const cells = servers.map((name) => (of(id, name) ?? 0).toLocaleString("en-US"));
  const ratios = compared.map((name) => ratio(id, name));
  return `| ${id} | ${cells.join(" | ")} | ${ratios.join(" | ")} |`;
});
const heading = ops
  ? `## Instructions per request with compress() and metrics() (\`pnpm bench:instructions --servers ${opts.servers} --scenarios ${opts.scenarios}\`, Node ${process.version})`
  : `## Instructions per request (\`pnpm bench:instructions\`, Node ${process.version})`;
const legend = ops
  ? "Scenario 1 is an 11-byte text (never compressed), 6 a 2 KB JSON without Accept-Encoding, 7 the same with `gzip`, 8 with `gzip, deflate, br` (br chosen). The last columns are each server ÷ ops-off (neither on): what turning it on costs."
  : "Fewer is faster; the last column is Fastify's count ÷ Aex's (above 1: Aex does less work).";
const section = `${heading}

Counted by callgrind: (instructions after ${large} requests − after ${small}) ÷ ${large - small}.
${legend}

| scenario | ${servers.join(" | ")} | ${ops ? compared.map((name) => `${name} ÷ ops-off`).join(" | ") : "Fastify ÷ Aex"} |
| ---: | ${servers.map(() => "---:").join(" | ")} | ${compared.map(() => "---:").join(" | ")} |
${lines.join("\n")}`;
console.log(`\n${section}`);
writeResultsSection(ops ? "instructions-ops" : "instructions", section);
