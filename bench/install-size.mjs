// `pnpm bench:install [--write]`: what `npm i @aex/core` puts on a user's disk, against
// `npm i fastify`, in one run. Each package (Aex's from the tarball `pnpm pack` makes of
// packages/core, so what would be published; Fastify from the registry) goes into a fresh
// folder with npm, scripts off; the packages installed and their size on disk are counted.
// Needs the npm registry.
import { execFileSync } from "node:child_process";
import { mkdirSync, readdirSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { here, writeResultsSection } from "./lib.mjs";

const require = createRequire(import.meta.url);
const root = join(here, "..");
const work = join(root, ".tmp", "install-size");
rmSync(work, { recursive: true, force: true });
mkdirSync(work, { recursive: true });

const npm = process.platform === "win32" ? "npm.cmd" : "npm";
const pnpm = ["--yes", "pnpm@9"];

/** The packed tarball of a workspace package (its `workspace:` ranges made real by pnpm). */
function pack(dir) {
  const out = execFileSync("npx", [...pnpm, "pack", "--pack-destination", work], {
    cwd: join(root, dir),
    encoding: "utf8",
  });
  const file = out.trim().split("\n").at(-1).trim();
  return file.startsWith("/") ? file : join(work, file);
}

/** Installs `specs` into a fresh folder; returns the folder. */
function install(name, specs) {
  const dir = join(work, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: `measure-${name}`, private: true }));
  execFileSync(npm, ["install", "--no-audit", "--no-fund", "--ignore-scripts", "--no-package-lock", ...specs], {
    cwd: dir,
    stdio: ["ignore", "ignore", "inherit"],
  });
  return dir;
}

/** Packages in a node_modules tree: every folder with a package.json at a package's root. */
function countPackages(modules) {
  let count = 0;
  if (!existsSync(modules)) return 0;
  for (const name of readdirSync(modules)) {
    if (name.startsWith(".")) continue;
    const path = join(modules, name);
    if (name.startsWith("@")) {
      for (const scoped of readdirSync(path)) count += countPackage(join(path, scoped));
    } else count += countPackage(path);
  }
  return count;
}

function countPackage(path) {
  if (!existsSync(join(path, "package.json"))) return 0;
  return 1 + countPackages(join(path, "node_modules"));
}

/** Size on disk in bytes, as `du` counts it (blocks allocated). */
function diskUsage(path) {
  return Number(execFileSync("du", ["-sk", path], { encoding: "utf8" }).split("\t")[0]) * 1024;
}

const fastifySpec = `fastify@${require("fastify/package.json").version}`;
const rows = [
  { name: "@aex/core", dir: install("aex", [pack("packages/core")]) },
  { name: fastifySpec, dir: install("fastify", [fastifySpec]) },
].map(({ name, dir }) => {
  const modules = join(dir, "node_modules");
  return { name, packages: countPackages(modules), bytes: diskUsage(modules) };
});

const mb = (bytes) => (bytes / 1024 / 1024).toFixed(1);
const section = `## Install size (\`pnpm bench:install\`, ${new Date().toISOString().slice(0, 10)}, npm ${execFileSync(npm, ["--version"], { encoding: "utf8" }).trim()})

What \`npm i\` of the package alone puts in \`node_modules\` (a fresh folder, scripts off): Aex from
the tarball \`pnpm pack\` makes of packages/core, Fastify from the registry.

| package | packages installed | MB on disk |
| --- | ---: | ---: |
${rows.map((r) => `| ${r.name} | ${r.packages} | ${mb(r.bytes)} |`).join("\n")}`;
console.log(section);
if (process.argv.includes("--write")) writeResultsSection("install-size", section);
