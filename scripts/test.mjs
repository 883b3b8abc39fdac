// The one test command: type-check sources and tests in both decorator modes, run every jest
// project on Node, then the same test files under Bun (scripts/test-bun.mjs). Every file runs
// under standard decorators, the files marked `// @decorator-modes both` under legacy ones too
// (scripts/decorator-modes.cjs). Ends with one
// summary line per runtime and fails if any run failed.
// Extra arguments go to jest (e.g. `pnpm test packages/core`) and skip the Bun run.
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { ensureTools } from "./ensure-tools.mjs";
import { MODES, findBun, printSkips, runBunMode, summaryLine } from "./test-bun.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const bin = (name) => join(root, "node_modules", ".bin", name);

/**
 * Jest's per-test timeouts cannot stop a test that never yields (a promise loop), so each step
 * also has a wall-clock bound: a hung run fails with a message instead of running out CI's clock.
 */
const STEP_LIMIT_MS = 20 * 60_000;

function run(command, args) {
  console.log(`\n$ ${[command.replace(root + "/", ""), ...args].join(" ")}`);
  const { status, error } = spawnSync(command, args, {
    cwd: root,
    stdio: "inherit",
    timeout: STEP_LIMIT_MS,
    killSignal: "SIGKILL",
  });
  if (error?.code === "ETIMEDOUT")
    console.error(
      `\nStopped after ${STEP_LIMIT_MS / 60_000} min: a test file still running (not yet named above) hangs.`,
    );
  return status ?? 1;
}

function mustRun(command, args) {
  const status = run(command, args);
  if (status !== 0) process.exit(status);
}

ensureTools();
const jestArgs = process.argv.slice(2);
const withBun = jestArgs.length === 0;
// Found first, so a missing Bun fails in seconds, not after jest; tests that start Bun
// themselves (test/bun/run-on-bun.test.ts) take this binary.
const bun = withBun ? findBun() : null;
if (bun) process.env.AEX_BUN = bun.path;

mustRun(bin("tsc"), ["-b", "tsconfig.build.json"]);
mustRun(bin("tsc"), ["-p", "tsconfig.json"]); // sources and tests, standard decorators
mustRun(bin("tsc"), ["-p", "tsconfig.legacy.json"]); // the same under experimentalDecorators

const summaries = [];
let failed = false;

mkdirSync(join(root, ".tmp"), { recursive: true });
const jestJson = join(root, ".tmp", "jest-results.json");
const started = Date.now();
const jestStatus = run(bin("jest"), ["--ci", "--forceExit", "--json", `--outputFile=${jestJson}`, ...jestArgs]);
const seconds = ((Date.now() - started) / 1000).toFixed(0);
let counts = "no results";
try {
  const r = JSON.parse(readFileSync(jestJson, "utf8"));
  counts =
    `${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests + r.numTodoTests} skipped, ` +
    `${r.numTotalTestSuites} files`;
} catch {
  // jest stopped before writing its results; its status says it failed.
}
summaries.push(
  `Node ${process.version} (jest, standard decorators + marked files under legacy): ${jestStatus === 0 ? "PASS" : "FAIL"} — ${counts}, ${seconds} s`,
);
failed ||= jestStatus !== 0;

if (bun) {
  console.log(`\nBun ${bun.version}: the same test files under bun test`);
  printSkips();
  for (const mode of MODES) {
    const result = await runBunMode(bun, mode);
    summaries.push(summaryLine(bun, result));
    failed ||= !result.ok;
  }
} else {
  summaries.push("Bun: not run (jest arguments given; run `node scripts/test-bun.mjs` for Bun)");
}

console.log("\nSummary");
for (const line of summaries) console.log(`  ${line}`);
process.exit(failed ? 1 : 0);
