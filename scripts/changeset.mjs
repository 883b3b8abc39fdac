// `pnpm changeset …`: @changesets/cli 3, which needs Node 22.11 or newer, run on the node
// that runs this script when it is new enough, else on the newest LTS line's binary
// (scripts/node-lines.mjs installs it from the npm registry). Arguments go to changeset.
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { nodeAtLeast } from "./node-lines.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

/** Runs changeset with `args` in `cwd`; returns its exit status (output inherited unless `capture`). */
export function changeset(args, { cwd = root, capture = false } = {}) {
  const bin = createRequire(join(root, "package.json")).resolve("@changesets/cli/bin.js");
  const node = nodeAtLeast([22, 11]);
  const result = spawnSync(node.path, [bin, ...args], {
    cwd,
    stdio: capture ? ["ignore", "pipe", "pipe"] : "inherit",
    encoding: "utf8",
  });
  if (result.error) throw result.error;
  return { status: result.status ?? 1, stdout: result.stdout ?? "", stderr: result.stderr ?? "" };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  process.exit(changeset(process.argv.slice(2)).status);
}
