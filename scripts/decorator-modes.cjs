// Which test files run under both decorator modes (TC39 standard and legacy
// experimentalDecorators), read by jest.config.ts and scripts/test-bun.mjs.
//
// A file says so with the marker line `// @decorator-modes both: <why>` near its top. Marked
// files are the ones whose subject is what a decorator records or does (the AEX README's
// examples, each decorator's arguments, order and composition): there the two modes take
// different code paths (registry/method-decorator.ts). Every other file uses decorators only to
// set up the routes it tests, so it runs once, under standard decorators; the legacy compile of
// every source and test file is still type-checked (`tsc -p tsconfig.legacy.json`).
const { readdirSync, readFileSync, statSync } = require("node:fs");
const { join, relative } = require("node:path");

const MARKER = /^\/\/ @decorator-modes both\b/m;
const SKIP = new Set(["node_modules", "dist", ".tmp", "fixtures"]);

function testFiles(dir, found = []) {
  let entries;
  try {
    entries = readdirSync(dir);
  } catch {
    return found;
  }
  for (const name of entries) {
    if (SKIP.has(name)) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) testFiles(path, found);
    else if (name.endsWith(".test.ts")) found.push(path);
  }
  return found;
}

/** The test files under `dir` (absolute paths) that carry the both-modes marker. */
function bothModeFiles(dir) {
  return testFiles(dir).filter((file) => MARKER.test(readFileSync(file, "utf8").slice(0, 2000)));
}

/** The same, relative to `root`, as `./path` arguments for `bun test`. */
function bothModeArgs(root, dirs) {
  return dirs.flatMap((dir) => bothModeFiles(join(root, dir))).map((file) => `./${relative(root, file)}`);
}

module.exports = { bothModeFiles, bothModeArgs, MARKER };
