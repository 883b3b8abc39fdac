// The one test command: type-check sources and tests in both decorator modes, run every jest
// project on Node, the libraries' projects on Node's other LTS lines (scripts/node-lines.mjs
// installs them from npm), then the same test files under Bun (scripts/test-bun.mjs). Every
// file runs under standard decorators, the files marked `// @decorator-modes both` under legacy
// ones too (scripts/decorator-modes.cjs). Ends with one summary line per runtime and fails if
// any run failed. CONTRIBUTING.md ("Supported platforms") says what runs where, and why.
// Extra arguments go to jest (e.g. `pnpm test packages/core`) and skip the other Node lines and
// the Bun run; AEX_NODE_LINES=off skips the other Node lines alone (said in the summary).
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { delimiter, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { ensureTools } from "./ensure-tools.mjs";
import { LTS_LINES, nodeBinary } from "./node-lines.mjs";
import { MODES, WORKERS, findBun, printSkips, runBunMode, summaryLine } from "./test-bun.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const bin = (name) => join(root, "node_modules", ".bin", name);
const { LIBRARIES } = createRequire(import.meta.url)("./workspace.cjs");

/**
 * Jest's per-test timeouts cannot stop a test that never yields (a promise loop), so each step
 * also has a wall-clock bound: a hung run fails with a message instead of running out CI's clock.
 */
const STEP_LIMIT_MS = 20 * 60_000;

function run(command, args, env = process.env) {
  console.log(`\n$ ${[command.replace(root + "/", ""), ...args].join(" ")}`);
  const { status, error } = spawnSync(command, args, {
    cwd: root,
    env,
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

/** Runs jest with `env`; returns whether it passed and its counts, from its JSON results. */
function jest(args, resultsName, env = process.env) {
  const results = join(root, ".tmp", resultsName);
  const started = Date.now();
  const status = run(
    bin("jest"),
    ["--ci", "--forceExit", `--maxWorkers=${WORKERS}`, "--json", `--outputFile=${results}`, ...args],
    env,
  );
  const seconds = ((Date.now() - started) / 1000).toFixed(0);
  let counts = "no results";
  try {
    const r = JSON.parse(readFileSync(results, "utf8"));
    counts =
      `${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests + r.numTodoTests} skipped, ` +
      `${r.numTotalTestSuites} files`;
  } catch {
    // jest stopped before writing its results; its status says it failed.
  }
  return { ok: status === 0, line: `${status === 0 ? "PASS" : "FAIL"} — ${counts}, ${seconds} s` };
}

const main = jest(jestArgs, "jest-results.json");
summaries.push(`Node ${process.version} (jest, standard decorators + marked files under legacy): ${main.line}`);
failed ||= !main.ok;

// The other LTS lines run the libraries' projects under standard decorators: the code an app
// runs, on the node:http, http2, stream and fetch of each line. The decorator mode is
// TypeScript's transform, the same whatever Node runs it; the tools' and the repository's
// tests (packing, docs, exports) check files and npm, not the runtime (CONTRIBUTING.md).
const thisLine = Number(process.versions.node.split(".")[0]);
for (const line of LTS_LINES.filter((l) => l !== thisLine)) {
  if (!withBun || process.env.AEX_NODE_LINES === "off") {
    summaries.push(`Node ${line}: not run (${withBun ? "AEX_NODE_LINES=off" : "jest arguments given"})`);
    continue;
  }
  let node;
  try {
    node = nodeBinary(line);
  } catch (error) {
    summaries.push(`Node ${line}: FAIL — not installed from npm (${error.message.split("\n")[0]})`);
    failed = true;
    continue;
  }
  console.log(`\nNode ${node.version}: the libraries' jest projects (standard decorators)`);
  const projects = LIBRARIES.flatMap((name) => ["--selectProjects", `${name} (standard)`]);
  // The line's node first on the PATH: jest's bin runs it, and so do the tests' own children
  // (process.execPath, npm, tsc). Node 22.6+ would load jest.config.ts by type stripping, as an
  // ES module; without it ts-node loads the file, as on Node 20.
  const env = {
    ...process.env,
    PATH: `${dirname(node.path)}${delimiter}${process.env.PATH}`,
    NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ""} --no-experimental-strip-types`.trim(),
  };
  const result = jest(projects, `jest-results-node${line}.json`, env);
  summaries.push(`Node ${node.version} (jest, the libraries' projects, standard decorators): ${result.line}`);
  failed ||= !result.ok;
}

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
