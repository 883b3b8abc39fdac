// `pnpm bench:cold-start [ROUNDS] [--write]`: how long a process takes from its start until it
// listens, and how much memory it holds then, for an app of 10, 1,000 and 10,000 routes: Aex
// with decorated controllers (ten `@get` routes a class, applied as TypeScript's legacy emit
// applies them) against Fastify with the same routes. Runs alternate (Aex, Fastify, Aex…) so a
// busy machine slows both alike; the medians are reported. Also: what `require` of each
// framework alone costs, in modules loaded and milliseconds.
import { spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { here, writeResultsSection } from "./lib.mjs";

const require = createRequire(import.meta.url);
const SIZES = [10, 1_000, 10_000];
const rounds = Number(process.argv.slice(2).find((a) => /^\d+$/.test(a)) ?? 7);
const dir = join(here, "..", ".tmp", "cold-start");
mkdirSync(dir, { recursive: true });

const aexPath = JSON.stringify(require.resolve("@aex/core"));
const fastifyPath = JSON.stringify(require.resolve("fastify"));

/** Prints `ready <ms since the process started> <rss> <modules>` once listening, then exits. */
const report = `console.log("ready", performance.now().toFixed(1), process.memoryUsage().rss, Object.keys(require.cache).length);
process.exit(0);`;

function aexApp(routes) {
  const classes = [];
  for (let c = 0; c < routes / 10; c++) {
    const methods = [];
    const decorations = [];
    for (let m = 0; m < 10; m++) {
      const i = c * 10 + m;
      methods.push(`  r${i}(req, res, scope) { res.json({ route: ${i}, id: scope.params.id }); }`);
      decorations.push(
        `get("/r${i}/items/:id")(C${c}.prototype, "r${i}", Object.getOwnPropertyDescriptor(C${c}.prototype, "r${i}"));`,
      );
    }
    classes.push(`class C${c} {\n${methods.join("\n")}\n}\n${decorations.join("\n")}\naex.push(C${c});`);
  }
  return `const { Aex, get } = require(${aexPath});
const aex = new Aex({ handleSignals: false });
${classes.join("\n")}
aex.start(0, "127.0.0.1").then(() => { ${report} });
`;
}

function fastifyApp(routes) {
  const lines = [];
  for (let i = 0; i < routes; i++) {
    lines.push(`app.get("/r${i}/items/:id", (req) => ({ route: ${i}, id: req.params.id }));`);
  }
  return `const app = require(${fastifyPath})({ logger: false });
${lines.join("\n")}
app.listen({ port: 0, host: "127.0.0.1" }).then(() => { ${report} });
`;
}

const requireOnly = (path) => `require(${path});\n${report}\n`;

const programs = [
  { name: "require", aex: requireOnly(aexPath), fastify: requireOnly(fastifyPath) },
  ...SIZES.map((routes) => ({ name: `${routes}`, aex: aexApp(routes), fastify: fastifyApp(routes) })),
];
for (const program of programs) {
  for (const framework of ["aex", "fastify"]) {
    program[`${framework}File`] = join(dir, `${framework}-${program.name}.cjs`);
    writeFileSync(program[`${framework}File`], program[framework]);
  }
}

/** Runs one program; resolves to its wall time until "ready" and what it reported. */
function run(file) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, [file], { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.on("data", (chunk) => (out += chunk));
    child.once("exit", (code) => {
      const wall = Number(process.hrtime.bigint() - started) / 1e6;
      const match = /ready (\S+) (\d+) (\d+)/.exec(out);
      if (code !== 0 || match === null) return reject(new Error(`${file} exited with ${code}: ${out}`));
      resolve({ wall, inside: Number(match[1]), rss: Number(match[2]), modules: Number(match[3]) });
    });
  });
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};

const results = [];
for (const program of programs) {
  const samples = { aex: [], fastify: [] };
  await run(program.aexFile); // warm the file system cache
  await run(program.fastifyFile);
  for (let round = 0; round < rounds; round++) {
    for (const framework of round % 2 === 0 ? ["aex", "fastify"] : ["fastify", "aex"]) {
      samples[framework].push(await run(program[`${framework}File`]));
    }
  }
  const summary = (list) => ({
    wall: median(list.map((s) => s.wall)),
    rss: median(list.map((s) => s.rss)),
    modules: list[0].modules,
  });
  results.push({ name: program.name, aex: summary(samples.aex), fastify: summary(samples.fastify) });
  console.log(program.name, JSON.stringify(results.at(-1)));
}

const mb = (bytes) => (bytes / 1024 / 1024).toFixed(0);
const row = ({ name, aex, fastify }) =>
  `| ${name === "require" ? "`require` only" : `${Number(name).toLocaleString("en-US")} routes`} | ` +
  `${aex.wall.toFixed(0)} | ${fastify.wall.toFixed(0)} | ${(aex.wall / fastify.wall).toFixed(2)} | ` +
  `${mb(aex.rss)} | ${mb(fastify.rss)} | ${aex.modules} | ${fastify.modules} |`;
const fastifyVersion = require("fastify/package.json").version;
const section = `## Cold start (\`pnpm bench:cold-start\`, ${new Date().toISOString().slice(0, 10)}, Node ${process.version})

From process start until the server listens on a port (wall time of \`node app.cjs\`, median of
${rounds} alternating runs), with the resident memory and CommonJS modules loaded at that moment.
Aex: decorated controllers, ten \`@get("/rN/items/:id")\` routes a class; Fastify ${fastifyVersion}:
\`app.get\` with the same paths. \`require\` only: the framework loaded, nothing built.

| app | Aex ms | Fastify ms | Aex ÷ Fastify | Aex MB | Fastify MB | Aex modules | Fastify modules |
| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |
${results.map(row).join("\n")}`;
console.log(`\n${section}`);
if (process.argv.includes("--write")) writeResultsSection("cold-start", section);
