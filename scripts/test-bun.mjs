// Runs the jest suite's own test files under Bun's test runner (`bun test`, jest-compatible),
// once per decorator mode. Bun takes `@aex/*` paths and the decorator mode from the tsconfig
// given by --tsconfig-override (test/bun/tsconfig.<mode>.json), not from ts-jest.
// The tests in scripts/bun-skips.mjs are filtered out, each with its reason printed.
//
//   node scripts/test-bun.mjs                  both modes
//   node scripts/test-bun.mjs --mode=legacy    one mode; other arguments go to `bun test`
import { spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { availableParallelism } from "node:os";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { BUN_SKIPPED_FILES, BUN_SKIPS, skipPattern } from "./bun-skips.mjs";
import decoratorModes from "./decorator-modes.cjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

/**
 * Both decorator modes: `standard` (TC39) runs every test file, `legacy`
 * (experimentalDecorators) the files marked `// @decorator-modes both`
 * (scripts/decorator-modes.cjs says why), as under jest.
 */
export const MODES = ["standard", "legacy"];

/**
 * Test files run in this many processes at once, under jest and `bun test --parallel`: a core
 * left for the servers the tests start, but never fewer than two. Jest's own default (cores - 1)
 * ran one file at a time on a 2-core machine: the jest run took 462 s with one worker and 231 s
 * with two (cold cache), the Bun run 116 s and 71 s. More than two did not help there: the files
 * then took longer each (the suite is mostly CPU), and the main jest run took 180-217 s with
 * three and 218 s with four, against 227 s with two in the same hour.
 */
export const WORKERS = Math.max(2, availableParallelism() - 1);

/** Where the suite's test files are: every package, the repo's tests, the examples. */
const TEST_DIRS = ["./packages", "./test", "./examples"];

function version(path) {
  if (!existsSync(path)) return null;
  const { status, stdout } = spawnSync(path, ["--version"], { encoding: "utf8" });
  return status === 0 ? stdout.trim() : null;
}

/**
 * The Bun binary the root devDependency `bun` installed. Its postinstall moves the binary
 * of the platform's optional dependency (`@oven/bun-linux-x64`…, from the npm registry)
 * over the placeholder `bun/bin/bun.exe`; where install scripts were blocked, the binary is
 * still in that optional dependency, so look there too. Nothing is downloaded.
 */
export function findBun() {
  const requireFromRoot = createRequire(join(root, "package.json"));
  let bunDir;
  try {
    bunDir = dirname(requireFromRoot.resolve("bun/package.json"));
  } catch {
    throw new Error('The "bun" devDependency is not installed: run `pnpm install`.');
  }
  const candidates = [join(bunDir, "bin", "bun.exe")];
  const requireFromBun = createRequire(join(bunDir, "package.json"));
  const arch = process.arch === "arm64" ? "aarch64" : process.arch;
  for (const name of [`bun-${process.platform}-${arch}`, `bun-${process.platform}-${arch}-baseline`]) {
    try {
      candidates.push(join(dirname(requireFromBun.resolve(`@oven/${name}/package.json`)), "bin", "bun"));
    } catch {
      // Not installed for this platform.
    }
  }
  for (const path of candidates) {
    const v = version(path);
    if (v !== null) return { path, version: v };
  }
  throw new Error(`No runnable Bun binary in ${candidates.map((c) => relative(root, c)).join(", ")}`);
}

/** Runs a command, echoing its output, and returns its status and output. */
function tee(command, args) {
  return new Promise((resolve) => {
    // Apps log through pino; as under jest, tests that read logs give their own destination.
    const env = { ...process.env, LOG_LEVEL: process.env.LOG_LEVEL ?? "silent" };
    const child = spawn(command, args, { cwd: root, env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk) => {
      output += chunk;
      process.stdout.write(chunk);
    });
    child.stderr.on("data", (chunk) => {
      output += chunk;
      process.stderr.write(chunk);
    });
    // Same wall-clock bound as the jest run (scripts/test.mjs): a hung file fails the run.
    const limit = setTimeout(() => {
      process.stderr.write("\nbun test stopped after 10 min: a test file hangs.\n");
      child.kill("SIGKILL");
    }, 10 * 60_000);
    child.on("close", (status) => {
      clearTimeout(limit);
      resolve({ status: status ?? 1, output });
    });
  });
}

const count = (output, word) => Number(new RegExp(`^\\s*(\\d+) ${word}$`, "m").exec(output)?.[1] ?? 0);

/** Prints the tests filtered out under Bun, with the reason for each. */
export function printSkips() {
  console.log(`\nNot run under Bun (${BUN_SKIPS.length} entries, scripts/bun-skips.mjs):`);
  for (const skip of BUN_SKIPS) {
    console.log(`  - "${skip.name}" (${skip.file})\n      why: ${skip.reason}\n      instead: ${skip.instead}`);
  }
  for (const skip of BUN_SKIPPED_FILES) console.log(`  - the whole file ${skip.file}\n      why: ${skip.reason}`);
}

/**
 * Runs the suite under Bun in one decorator mode.
 * @returns {Promise<{ mode: string; ok: boolean; pass: number; fail: number; filtered: number; files: number; seconds: number }>}
 */
export async function runBunMode(bun, mode, extraArgs = []) {
  const args = [
    "test",
    `--tsconfig-override=test/bun/tsconfig.${mode}.json`,
    "--only-failures",
    `--parallel=${WORKERS}`,
    // jest.config.ts's testTimeout: the slowest honest test on a loaded 2-core machine.
    "--timeout=30000",
    ...BUN_SKIPPED_FILES.map((s) => `--path-ignore-patterns=${s.file}`),
    "-t",
    skipPattern(),
    ...(extraArgs.length > 0
      ? extraArgs
      : mode === "legacy"
        ? decoratorModes.bothModeArgs(root, TEST_DIRS)
        : TEST_DIRS),
  ];
  console.log(`\n$ bun ${args.map((a) => (/[\s()|^$?!]/.test(a) ? JSON.stringify(a) : a)).join(" ")}`);
  const started = process.hrtime.bigint();
  const { status, output } = await tee(bun.path, args);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const pass = count(output, "pass");
  const fail = count(output, "fail");
  const filtered = count(output, "filtered out");
  const files = Number(/Ran \d+ tests? across (\d+) files?/.exec(output)?.[1] ?? 0);
  // Every skip entry names at least one test; fewer filtered out means the list is stale.
  const ok =
    status === 0 &&
    fail === 0 &&
    pass > 0 &&
    (extraArgs.length > 0 || mode === "legacy" || filtered >= BUN_SKIPS.length);
  return { mode, ok, pass, fail, filtered, files, seconds };
}

/** One summary line per Bun run. */
export function summaryLine(bun, r) {
  return (
    `Bun ${bun.version} (bun test, ${r.mode} decorators): ${r.ok ? "PASS" : "FAIL"} — ` +
    `${r.pass} passed, ${r.fail} failed, ${r.filtered} not run (scripts/bun-skips.mjs), ` +
    `${r.files} files, ${r.seconds.toFixed(0)} s`
  );
}

async function main() {
  const modeArg = process.argv.find((a) => a.startsWith("--mode="));
  const modes = modeArg ? [modeArg.slice("--mode=".length)] : MODES;
  const extra = process.argv.slice(2).filter((a) => !a.startsWith("--mode="));
  const bun = findBun();
  console.log(`Bun ${bun.version} from ${relative(root, bun.path)}`);
  printSkips();
  const results = [];
  for (const mode of modes) results.push(await runBunMode(bun, mode, extra));
  console.log("");
  for (const r of results) console.log(summaryLine(bun, r));
  process.exit(results.every((r) => r.ok) ? 0 : 1);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
