// The one test command: type-check sources and tests, then run every jest project.
// Extra arguments go to jest (e.g. `pnpm test packages/core`).
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { ensureTools } from "./ensure-tools.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const bin = (name) => join(root, "node_modules", ".bin", name);

function run(command, args) {
  console.log(`\n$ ${[command.replace(root + "/", ""), ...args].join(" ")}`);
  const { status } = spawnSync(command, args, { cwd: root, stdio: "inherit" });
  if (status !== 0) process.exit(status ?? 1);
}

ensureTools();
run(bin("tsc"), ["-b", "tsconfig.build.json"]);
run(bin("tsc"), ["-p", "tsconfig.json"]); // sources and tests, standard decorators
run(bin("tsc"), ["-p", "tsconfig.legacy.json"]); // the same under experimentalDecorators
run(bin("jest"), ["--ci", ...process.argv.slice(2)]);
