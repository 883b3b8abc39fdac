// The Node.js lines Aex supports, and a binary of each for the scripts that run on them
// (scripts/test.mjs, scripts/changeset.mjs). A line the running node is not gets installed
// from the npm registry, as the `node` package (which fetches the `node-<os>-<arch>` package
// of that version, also from npm), into .tmp/node/<major>/; nothing else is downloaded.
// docs/runtimes.md says what each line's support means.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

/**
 * Node's LTS lines that are not at their end of life: the test command runs the libraries'
 * suites on each (scripts/test.mjs). Node 20 reached its end of life in April 2026; it is
 * the Node that runs the whole test command where that is the machine's Node (this
 * repository's CI), and stays in `engines` until the next minor release (CONTRIBUTING.md).
 */
export const LTS_LINES = [22, 24, 26];

/** A cached install older than this is refreshed, so each line's newest patch is tested. */
const REFRESH_MS = 7 * 24 * 60 * 60 * 1000;

const npm = process.platform === "win32" ? "npm.cmd" : "npm";
const major = (version) => Number(/^v?(\d+)/.exec(version)?.[1]);

function versionOf(path) {
  const { status, stdout } = spawnSync(path, ["--version"], { encoding: "utf8" });
  return status === 0 ? stdout.trim() : null;
}

/**
 * A runnable binary of Node `line` (22, 24…): `AEX_NODE_<line>` if set (CI that installs
 * Node its own way), the running node if it is of that line, else the one in
 * .tmp/node/<line>/, installed with npm when missing or older than a week. When npm cannot
 * reach the registry, a cached binary is used as it is.
 * @returns {{ path: string; version: string }}
 */
export function nodeBinary(line) {
  const override = process.env[`AEX_NODE_${line}`];
  if (override) {
    const version = versionOf(override);
    if (version === null || major(version) !== line) {
      throw new Error(`AEX_NODE_${line}=${override} is not a Node ${line} binary (${version ?? "does not run"})`);
    }
    return { path: override, version };
  }
  if (major(process.version) === line) return { path: process.execPath, version: process.version };

  const dir = join(root, ".tmp", "node", String(line));
  const bin = join(dir, "node_modules", ".bin", process.platform === "win32" ? "node.cmd" : "node");
  const stamp = join(dir, "installed-at");
  const cached = versionOf(bin);
  const fresh = existsSync(stamp) && Date.now() - statSync(stamp).mtimeMs < REFRESH_MS;
  if (cached !== null && fresh) return { path: bin, version: cached };

  rmSync(join(dir, "node_modules"), { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  // A manifest of its own, so npm installs here and not into the workspace around it; it allows
  // the `node` package's preinstall, which picks the binary package of this platform.
  const manifest = { name: `aex-node-${line}`, private: true, allowScripts: { node: true } };
  writeFileSync(join(dir, "package.json"), JSON.stringify(manifest) + "\n");
  console.log(`Installing node@${line} from the npm registry into ${relative(root, dir)}/ …`);
  try {
    execFileSync(npm, ["install", "--no-audit", "--no-fund", "--no-package-lock", `node@${line}`], {
      cwd: dir,
      stdio: ["ignore", "ignore", "inherit"],
    });
  } catch (error) {
    if (cached === null) throw error;
    console.warn(`npm could not refresh node@${line}; using the cached ${cached}`);
    return { path: bin, version: cached };
  }
  const version = versionOf(bin);
  if (version === null || major(version) !== line) {
    throw new Error(`npm installed no runnable Node ${line} in ${relative(root, dir)} (${version ?? "nothing runs"})`);
  }
  writeFileSync(stamp, new Date().toISOString() + "\n");
  return { path: bin, version };
}

/**
 * The running node if it is at least `min` (`[22, 11]`), else the newest LTS line's binary:
 * for tools that need a newer Node than the one that runs the command (@changesets/cli 3
 * needs 22.11).
 */
export function nodeAtLeast([minMajor, minMinor = 0]) {
  const [maj, min] = process.versions.node.split(".").map(Number);
  if (maj > minMajor || (maj === minMajor && min >= minMinor))
    return { path: process.execPath, version: process.version };
  return nodeBinary(LTS_LINES.at(-1));
}

// `node scripts/node-lines.mjs`: installs (or refreshes) every line and prints its binary.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const line of LTS_LINES) {
    const { path, version } = nodeBinary(line);
    console.log(`Node ${line}: ${version} (${relative(root, path) || path})`);
  }
}
