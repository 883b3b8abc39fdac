// `pnpm bench:client [RUNS]`: what a typed client costs its users, at 50 and 500 routes. For each
// size, the same routes (half `GET /rI/items/:id` answering an item, half `POST /rI/items`
// taking a validated body and answering 201 with an item, ten to a controller or sub-app) in:
//
// - Aex: decorated controllers (JavaScript, decorators applied as tsc's legacy output does),
//   `@filter` and `@returns` schemas; `aex client` writes the typed client (its time is the
//   generation time), and a small program using it is type-checked with the client alone;
// - Hono: an app of chained sub-apps (`.route()`), zod validators, `typeof app` as `AppType`
//   and `hc<AppType>` in the same small program; there is nothing to generate, the client's
//   types are inferred from the app's source, which the program's tsc run checks too (Hono's
//   issue 3869: slow editors and tsc with many routes).
//
// Each program calls the same ten routes and reads their answers. `tsc --noEmit
// --extendedDiagnostics` runs RUNS times (default 3), alternating Aex and Hono; the medians of
// the wall time, tsc's own total time, its types count and its memory are reported, and written
// to RESULTS.md (section client-types). Files go to bench/.tmp/client-types/.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { here, writeResultsSection } from "./lib.mjs";

const require = createRequire(import.meta.url);
const SIZES = [50, 500];
const CALLS = 10;
const runs = Number(process.argv.slice(2).find((a) => /^\d+$/.test(a)) ?? 3);
const root = join(here, "..");
const dir = join(here, ".tmp", "client-types");
const tsc = join(root, "node_modules", "typescript", "bin", "tsc");
const aexBin = join(root, "packages", "cli", "dist", "bin.js");
const typescriptVersion = require(join(root, "node_modules", "typescript", "package.json")).version;

const isGet = (i) => i % 2 === 0;
/** The routes each program calls: ten spread over the app. */
const called = (routes) => Array.from({ length: CALLS }, (_, k) => Math.floor((k * routes) / CALLS) + (k % 2));

function aexApp(routes) {
  const classes = [];
  for (let c = 0; c < routes / 10; c++) {
    const methods = [];
    const decorations = [];
    for (let m = 0; m < 10; m++) {
      const i = c * 10 + m;
      const at = `C${c}, "r${i}"`;
      if (isGet(i)) {
        methods.push(`  r${i}(req, res, scope) { res.json({ id: scope.params.id, name: "item ${i}", price: ${i} }); }`);
        decorations.push(`decorate(${at}, get("/r${i}/items/:id"), returns(200, ITEM), returns(404));`);
      } else {
        methods.push(`  r${i}(req, res, scope) { res.status(201).json({ id: "${i}", ...scope.extracted.body }); }`);
        decorations.push(
          `decorate(${at}, post("/r${i}/items"), body("json"), filter({ body: NEW_ITEM }), returns(201, ITEM));`,
        );
      }
    }
    classes.push(`class C${c} {\n${methods.join("\n")}\n}\n${decorations.join("\n")}\naex.push(C${c});`);
  }
  return `const { Aex, body, filter, get, post } = require("@aex/core");
const { returns } = require("@aex/openapi");

const ITEM = {
  type: "object",
  required: ["id", "name", "price"],
  properties: { id: { type: "string" }, name: { type: "string" }, price: { type: "integer" } },
  additionalProperties: false,
};
const NEW_ITEM = { name: { type: "string", required: true, minLength: 1 }, price: { type: "int", required: true, min: 0 } };

function decorate(Class, key, ...decorators) {
  const descriptor = Object.getOwnPropertyDescriptor(Class.prototype, key);
  for (const decorator of decorators.reverse()) decorator(Class.prototype, key, descriptor);
}

const aex = new Aex();
${classes.join("\n")}
module.exports = { aex };
`;
}

function aexProgram(routes) {
  const calls = called(routes).map((i) =>
    isGet(i)
      ? `  const r${i} = await api.GET("/r${i}/items/{id}", { params: { path: { id: "1" } } });\n  names.push(r${i}.data?.name ?? r${i}.error?.code);`
      : `  const r${i} = await api.POST("/r${i}/items", { body: { name: "tea", price: 3 } });\n  names.push(r${i}.data?.name ?? r${i}.error?.code);`,
  );
  return `import { createClient } from "./client";

const api = createClient({ baseUrl: "http://localhost:3000" });

export async function use(): Promise<(string | undefined)[]> {
  const names: (string | undefined)[] = [];
${calls.join("\n")}
  return names;
}
`;
}

function honoApp(routes) {
  const subApps = [];
  for (let c = 0; c < routes / 10; c++) {
    const chain = [];
    for (let m = 0; m < 10; m++) {
      const i = c * 10 + m;
      chain.push(
        isGet(i)
          ? `  .get("/r${i}/items/:id", (c) => c.json({ id: c.req.param("id"), name: "item ${i}", price: ${i} }, 200))`
          : `  .post("/r${i}/items", zValidator("json", NewItem), (c) => c.json({ id: "${i}", ...c.req.valid("json") }, 201))`,
      );
    }
    subApps.push(`const app${c} = new Hono()\n${chain.join("\n")};`);
  }
  const mounts = Array.from({ length: routes / 10 }, (_, c) => `  .route("/", app${c})`);
  return `import { zValidator } from "@hono/zod-validator";
import { Hono } from "hono";
import { z } from "zod";

const NewItem = z.object({ name: z.string().min(1), price: z.number().int().min(0) });

${subApps.join("\n")}

const app = new Hono()
${mounts.join("\n")};

export type AppType = typeof app;
export default app;
`;
}

function honoProgram(routes) {
  const calls = called(routes).map((i) =>
    isGet(i)
      ? `  const r${i} = await client.r${i}.items[":id"].$get({ param: { id: "1" } });\n  if (r${i}.ok) names.push((await r${i}.json()).name);`
      : `  const r${i} = await client.r${i}.items.$post({ json: { name: "tea", price: 3 } });\n  if (r${i}.ok) names.push((await r${i}.json()).name);`,
  );
  return `import { hc } from "hono/client";
import type { AppType } from "./app";

const client = hc<AppType>("http://localhost:3000");

export async function use(): Promise<(string | undefined)[]> {
  const names: (string | undefined)[] = [];
${calls.join("\n")}
  return names;
}
`;
}

const TSCONFIG = JSON.stringify(
  {
    compilerOptions: {
      target: "ES2022",
      module: "ESNext",
      moduleResolution: "Bundler",
      lib: ["ES2022", "DOM"],
      strict: true,
      skipLibCheck: true,
      noEmit: true,
      types: [],
    },
    files: ["program.ts"],
  },
  null,
  2,
);

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** GNU time, for the child's own CPU time and peak memory: wall time alone moves with the machine's load. */
const gnuTime = spawnSync("/usr/bin/time", ["-f", "%U", "true"]).status === 0 ? "/usr/bin/time" : null;
const TIME_LINE = /^aex-time (\S+) (\S+) (\d+)$/m;

/** Runs `node args` in `cwd`: its wall and CPU (user + system) time in ms, peak RSS in KB, and what it printed. */
function timed(args, cwd) {
  const [command, rest] = gnuTime
    ? [gnuTime, ["-f", "aex-time %U %S %M", process.execPath, ...args]]
    : [process.execPath, args];
  const started = process.hrtime.bigint();
  const run = spawnSync(command, rest, { cwd, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  const match = TIME_LINE.exec(run.stderr);
  const cpu = match ? (Number(match[1]) + Number(match[2])) * 1000 : NaN;
  return { ms, cpu, rss: match ? Number(match[3]) : NaN, run };
}

/** One `tsc --noEmit --extendedDiagnostics` of a project: wall and CPU ms, peak RSS, types and instantiations. */
function typeCheck(project) {
  const { ms, cpu, rss, run } = timed([tsc, "-p", "tsconfig.json", "--extendedDiagnostics"], project);
  const errors = run.stdout.split("\n").filter((line) => line.includes("error TS"));
  if (run.status !== 0 || errors.length > 0) throw new Error(`tsc failed in ${project}:\n${run.stdout}${run.stderr}`);
  const stat = (name) => Number(new RegExp(`^${name}:\\s+([\\d.]+)`, "m").exec(run.stdout)?.[1]);
  return { ms, cpu, rss, types: stat("Types"), instantiations: stat("Instantiations") };
}

rmSync(dir, { recursive: true, force: true });
const rows = [];
for (const routes of SIZES) {
  const aexDir = join(dir, `aex-${routes}`);
  const honoDir = join(dir, `hono-${routes}`);
  for (const [folder, files] of [
    [aexDir, { "app.cjs": aexApp(routes), "program.ts": aexProgram(routes), "tsconfig.json": TSCONFIG }],
    [honoDir, { "app.ts": honoApp(routes), "program.ts": honoProgram(routes), "tsconfig.json": TSCONFIG }],
  ]) {
    mkdirSync(folder, { recursive: true });
    for (const [name, text] of Object.entries(files)) writeFileSync(join(folder, name), text);
  }
  const generation = [];
  const aex = [];
  const hono = [];
  for (let run = 0; run < runs; run++) {
    const written = timed([aexBin, "client", "app.cjs", "-o", "client.ts"], aexDir);
    if (written.run.status !== 0) throw new Error(`aex client failed:\n${written.run.stderr}`);
    generation.push(written);
    aex.push(typeCheck(aexDir));
    hono.push(typeCheck(honoDir));
  }
  const lines = execFileSync("wc", ["-l", join(aexDir, "client.ts")], { encoding: "utf8" })
    .trim()
    .split(" ")[0];
  const summary = (list) =>
    Object.fromEntries(Object.keys(list[0]).map((key) => [key, median(list.map((r) => r[key]))]));
  const generated = summary(generation.map(({ ms, cpu, rss }) => ({ ms, cpu, rss })));
  rows.push({ routes, generated, lines: Number(lines), aex: summary(aex), hono: summary(hono) });
  console.log(JSON.stringify(rows.at(-1)));
}

const n = (value, digits = 0) =>
  value.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });
const s = (ms) => n(ms / 1000, 2);
const mb = (kb) => n(kb / 1024);
const table = [
  "| routes | client | generation: CPU s (wall s, peak MB) | `tsc --noEmit`: CPU s | wall s | peak MB | types | instantiations |",
  "| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
  ...rows.flatMap(({ routes, generated, lines, aex, hono }) => [
    `| ${routes} | Aex, \`aex client\` (${n(lines)} lines) | ${s(generated.cpu)} (${s(generated.ms)}, ${mb(generated.rss)}) | ${s(aex.cpu)} | ${s(aex.ms)} | ${mb(aex.rss)} | ${n(aex.types)} | ${n(aex.instantiations)} |`,
    `| ${routes} | Hono, \`hc<AppType>\` inference | – | ${s(hono.cpu)} | ${s(hono.ms)} | ${mb(hono.rss)} | ${n(hono.types)} | ${n(hono.instantiations)} |`,
  ]),
];
const today = new Date().toISOString().slice(0, 10);
writeResultsSection(
  "client-types",
  `## Typed clients at 50 and 500 routes (\`pnpm bench:client\`, ${today}, Node ${process.version}, TypeScript ${typescriptVersion})

What a typed client costs the project that uses it (issue 25; Hono's issue 3869). The same routes
in each app: half \`GET /rI/items/:id\` answering an item, half \`POST /rI/items\` with a validated
body answering 201, ten to a controller (Aex) or sub-app (Hono, mounted with \`.route()\`). A small
program calls ten of them through the client and reads their answers; \`tsc --noEmit\` checks it.
Aex's program compiles against the module \`aex client\` wrote (generation: the whole command,
node's start and loading the app included); Hono's infers the client from \`typeof app\`, so its
tsc run checks the app's source too (nothing to generate). Medians of ${runs} runs, alternating.
CPU time (user + system) and peak memory are the process's own (GNU time): the wall time moves
with what else the machine runs. Types and instantiations (\`--extendedDiagnostics\`) are
the type checker's work, the same at every run.

${table.join("\n")}
`,
);
console.log(`wrote bench/RESULTS.md (client-types) from ${runs} runs`);
