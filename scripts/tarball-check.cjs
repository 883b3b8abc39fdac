// What a packed tarball of a workspace package must be before it is published, checked the
// same way by the release script (scripts/release.mjs) and the test command
// (test/pack.test.ts packs every package and runs this on each tarball).
const { execFileSync } = require("node:child_process");
const { readFileSync } = require("node:fs");
const { join } = require("node:path");

const ROOT = join(__dirname, "..");

/** Files of a tarball, without the `package/` prefix. */
function tarballFiles(tarball) {
  return execFileSync("tar", ["tzf", tarball], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 })
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => line.replace(/^package\//, ""));
}

/** The package.json inside a tarball, as text (the published bytes, not a parse of them). */
function tarballManifestText(tarball) {
  return execFileSync("tar", ["xzOf", tarball, "package/package.json"], { encoding: "utf8" });
}

/** Every path an exports map, main, types or bin names (conditions and subpaths walked). */
function namedPaths(manifest) {
  const paths = [];
  const walk = (value) => {
    if (typeof value === "string") paths.push(value);
    else if (value !== null && typeof value === "object") Object.values(value).forEach(walk);
  };
  walk(manifest.exports);
  walk(manifest.bin);
  for (const field of ["main", "types", "module"]) if (typeof manifest[field] === "string") paths.push(manifest[field]);
  return [...new Set(paths.map((p) => p.replace(/^\.\//, "")))].filter((p) => !p.includes("*"));
}

/**
 * The problems of one tarball (an empty list when it may be published):
 * - a `workspace:` range anywhere in its package.json (pnpm pack replaces them; npm pack does not);
 * - `version`, when given, not the tarball's version, and `@aex/*` dependencies or peers not
 *   `^version` (the packages are released together, CONTRIBUTING.md "Versioning");
 * - `engines.node` other than the root package.json's (the supported platforms, said once);
 * - a file its exports, main, types or bin names missing, no LICENSE or README.md, a .tsbuildinfo;
 * - no CHANGELOG.md when `changelog` says the package has one (changesets writes it at a version).
 * @param {string} tarball
 * @param {{ version?: string; changelog?: boolean }} [expected]
 * @returns {string[]}
 */
function tarballProblems(tarball, expected = {}) {
  const problems = [];
  const text = tarballManifestText(tarball);
  const manifest = JSON.parse(text);
  const name = manifest.name;
  for (const line of text.split("\n").filter((l) => l.includes("workspace:"))) {
    problems.push(`${name}: package.json keeps a workspace range: ${line.trim().replace(/,$/, "")}`);
  }
  if (expected.version !== undefined && manifest.version !== expected.version) {
    problems.push(`${name}: version ${manifest.version}, expected ${expected.version}`);
  }
  for (const field of ["dependencies", "peerDependencies"]) {
    for (const [dep, range] of Object.entries(manifest[field] ?? {})) {
      if (!/^@aex\//.test(dep) || range.startsWith("workspace:")) continue;
      if (range !== `^${manifest.version}`)
        problems.push(`${name}: ${field}.${dep} is ${range}, not ^${manifest.version}`);
    }
  }
  const engines = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).engines.node;
  if (manifest.engines?.node !== engines) {
    problems.push(`${name}: engines.node is ${manifest.engines?.node}, not the repository's ${engines}`);
  }
  const files = new Set(tarballFiles(tarball));
  const changelog = expected.changelog ? ["CHANGELOG.md"] : [];
  for (const required of ["package.json", "LICENSE", "README.md", ...changelog, ...namedPaths(manifest)]) {
    if (!files.has(required)) problems.push(`${name}: ${required} is not in the tarball`);
  }
  for (const file of files) if (file.endsWith(".tsbuildinfo")) problems.push(`${name}: ships ${file}`);
  return problems;
}

module.exports = { tarballFiles, tarballManifestText, tarballProblems };
