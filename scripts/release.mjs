// `pnpm release [--dry-run] [--skip-tests] [--tag <dist-tag>]`: publishes the committed
// packages, as CONTRIBUTING.md ("Versioning") describes. Everything happens in a fresh clone
// of HEAD under .tmp/release/work, so what is published is exactly a commit: never a stale
// dist/, never a file someone has not committed. In that clone:
//
//   1. install (pnpm 9, the lockfile as it is);
//   2. versions: with changesets waiting, a real release refuses (version them first:
//      `pnpm changeset version`, review, commit); --dry-run applies them in the clone, so its
//      tarballs and changelogs are the ones that release would have;
//   3. build (`pnpm build`), then the test command (`node scripts/test.mjs`);
//   4. pack every published package with `pnpm pack` (workspace: ranges become versions) into
//      .tmp/release/out/, and check each tarball (scripts/tarball-check.cjs);
//   5. publish each tarball with `npm publish --provenance --access public`, @aex/core first,
//      and tag the commit `<name>@<version>` (changesets' tag names) in this repository.
//
// --dry-run does all of it but step 5 (it runs `npm publish --dry-run` instead) and leaves the
// tarballs and each package's CHANGELOG.md in .tmp/release/out/. --skip-tests skips step 3's
// test command and is refused without --dry-run. Provenance needs a CI that gives npm an
// identity (GitHub Actions with `id-token: write`: .github/workflows/release.yml).
import { execFileSync, spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { changeset } from "./changeset.mjs";
import { packAll, pnpmBinary } from "./pack-all.mjs";

const require = createRequire(import.meta.url);
const { tarballProblems } = require("./tarball-check.cjs");

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const base = join(root, ".tmp", "release");
const work = join(base, "work");
const out = join(base, "out");

const args = process.argv.slice(2);
const dryRun = args.includes("--dry-run");
const skipTests = args.includes("--skip-tests");
const tagIndex = args.indexOf("--tag");
const distTag = tagIndex === -1 ? undefined : args[tagIndex + 1];
const known = new Set(["--dry-run", "--skip-tests", "--tag", distTag]);
const unknown = args.filter((a) => !known.has(a));
if (unknown.length > 0 || (tagIndex !== -1 && !distTag)) {
  console.error(
    `release: unknown arguments ${unknown.join(" ")}\nUsage: pnpm release [--dry-run] [--skip-tests] [--tag <dist-tag>]`,
  );
  process.exit(2);
}
if (skipTests && !dryRun) {
  console.error("release: --skip-tests is for --dry-run only; a release runs the whole test command");
  process.exit(2);
}

const started = Date.now();
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(0)} s`;

function step(title) {
  console.log(`\n== ${title} (${elapsed()})`);
}

/** Runs a command with its output shown; exits the release when it fails. */
function run(command, commandArgs, cwd = work, env = {}) {
  console.log(`$ ${command} ${commandArgs.join(" ")}`);
  const result = spawnSync(command, commandArgs, { cwd, stdio: "inherit", env: { ...process.env, ...env } });
  if (result.status !== 0) {
    console.error(`\nrelease: ${command} ${commandArgs.join(" ")} failed (${result.status ?? result.signal})`);
    process.exit(1);
  }
}

const git = (...gitArgs) => execFileSync("git", gitArgs, { cwd: root, encoding: "utf8" }).trimEnd();

const pnpm = pnpmBinary();

/** Compares two semver versions (`0.2.0` < `0.2.2` < `0.10.0`; a prerelease below its release). */
function compareVersions(a, b) {
  const parse = (v) => {
    const [core, pre] = v.split("-", 2);
    return { parts: core.split(".").map(Number), pre };
  };
  const x = parse(a);
  const y = parse(b);
  for (let i = 0; i < 3; i++) if (x.parts[i] !== y.parts[i]) return x.parts[i] - y.parts[i];
  if (x.pre === y.pre) return 0;
  if (x.pre === undefined) return 1;
  if (y.pre === undefined) return -1;
  return x.pre < y.pre ? -1 : 1;
}

/** The workspace's published packages, in release order: @aex/core first, the tools last. */
function publishedPackages(dir) {
  const { LIBRARIES, TOOLS } = require(join(dir, "scripts", "workspace.cjs"));
  return [...LIBRARIES, ...TOOLS].map((folder) => {
    const manifest = JSON.parse(readFileSync(join(dir, "packages", folder, "package.json"), "utf8"));
    if (manifest.private) throw new Error(`packages/${folder} is private but listed in scripts/workspace.cjs`);
    return { folder, name: manifest.name, version: manifest.version };
  });
}

// 0. What is released: HEAD, with what the working tree holds beside it said plainly.
const head = git("rev-parse", "HEAD");
const dirty = git("status", "--porcelain", "--untracked-files=no");
console.log(`Releasing ${head.slice(0, 12)} (${git("log", "-1", "--format=%s", head).slice(0, 100)})`);
if (dirty !== "") {
  const message = `the working tree has uncommitted changes, which the release leaves out:\n${dirty}`;
  if (!dryRun) {
    console.error(`release: ${message}\nCommit them (or release from a clean checkout).`);
    process.exit(1);
  }
  console.warn(`Note: ${message}`);
}

step("A fresh clone of HEAD");
rmSync(base, { recursive: true, force: true });
// The clone is a whole workspace: gone when the release ends, however it ends (eslint and
// jest would otherwise find its files).
process.on("exit", () => rmSync(work, { recursive: true, force: true }));
mkdirSync(out, { recursive: true });
run("git", ["clone", "--quiet", "--no-checkout", root, work], root);
run("git", ["checkout", "--quiet", head]);
run(pnpm, ["install", "--frozen-lockfile", "--prefer-offline"]);

step("Versions and changelogs (changesets)");
const pending = readdirSync(join(work, ".changeset")).filter((f) => f.endsWith(".md") && f !== "README.md");
if (pending.length > 0) {
  console.log(`${pending.length} changesets waiting: ${pending.join(", ")}`);
  if (!dryRun) {
    console.error(
      "release: version the changesets first: `pnpm changeset version`, review the versions and CHANGELOG.md files, commit, then release",
    );
    process.exit(1);
  }
  if (changeset(["version"], { cwd: work }).status !== 0) process.exit(1);
  const before = publishedPackages(root);
  for (const pkg of publishedPackages(work)) {
    console.log(`  ${pkg.name} ${before.find((p) => p.name === pkg.name)?.version ?? "new"} -> ${pkg.version}`);
  }
} else {
  console.log("No changesets waiting: the packages' versions are released as they are.");
}
const packages = publishedPackages(work);
const versions = new Set(packages.map((p) => p.version));
if (versions.size !== 1) {
  console.error(`release: the published packages must share one version, not ${[...versions].join(", ")}`);
  process.exit(1);
}
const [version] = versions;

step(`Build ${version}`);
run(pnpm, ["build"]);

if (skipTests) {
  step("Tests skipped (--skip-tests, a dry run)");
} else {
  step("The test command");
  const testStarted = Date.now();
  run(process.execPath, ["scripts/test.mjs"]);
  console.log(`The test command passed in ${((Date.now() - testStarted) / 60_000).toFixed(1)} min`);
}

step("Pack (pnpm pack) and check each tarball");
const tarballs = packAll(work, out, pnpm).map(({ folder, tarball }) => {
  console.log(`  ${relative(root, tarball)}`);
  return { ...packages.find((p) => p.folder === folder), tarball };
});
const problems = tarballs.flatMap((t) =>
  tarballProblems(t.tarball, { version, changelog: existsSync(join(work, "packages", t.folder, "CHANGELOG.md")) }),
);
if (problems.length > 0) {
  console.error(`\nrelease: the tarballs are not fit to publish:\n  ${problems.join("\n  ")}`);
  process.exit(1);
}
console.log(
  `${tarballs.length} tarballs: no workspace: range, every file their exports name, CHANGELOG.md, version ${version}`,
);

mkdirSync(join(out, "changelogs"), { recursive: true });
for (const pkg of packages) {
  const changelog = join(work, "packages", pkg.folder, "CHANGELOG.md");
  if (existsSync(changelog)) copyFileSync(changelog, join(out, "changelogs", `${pkg.folder}.md`));
  else console.warn(`  packages/${pkg.folder} has no CHANGELOG.md`);
}
writeFileSync(
  join(out, "release.json"),
  JSON.stringify(
    {
      commit: head,
      version,
      dryRun,
      tests: !skipTests,
      packages: tarballs.map((t) => ({ name: t.name, tarball: relative(out, t.tarball) })),
    },
    null,
    2,
  ) + "\n",
);

step("The registry: each name free for this version");
const registryProblems = [];
for (const t of tarballs) {
  const view = spawnSync("npm", ["view", t.name, "versions", "--json"], { encoding: "utf8" });
  if (view.status !== 0) {
    if (/E404/.test(view.stdout + view.stderr)) {
      console.log(`  ${t.name}: not on npm yet`);
      continue;
    }
    registryProblems.push(`${t.name}: npm view failed: ${(view.stderr || view.stdout).trim().split("\n")[0]}`);
    continue;
  }
  const published = [].concat(JSON.parse(view.stdout));
  const newer = published.filter((v) => compareVersions(v, version) > 0);
  if (published.includes(version)) registryProblems.push(`${t.name}@${version} is already on npm`);
  else if (newer.length > 0 && !distTag) {
    registryProblems.push(
      `${t.name}: npm has ${newer.join(", ")}, above ${version}: npm refuses ${version} as latest (and ^ ranges of users would keep the higher one); release a higher version, or pass --tag`,
    );
  }
  console.log(`  ${t.name}: on npm ${published.join(", ")}`);
}
if (registryProblems.length > 0) {
  console.error(`\nrelease: the registry refuses this release:\n  ${registryProblems.join("\n  ")}`);
  process.exit(1);
}

step(dryRun ? "Publish (dry run: npm publish --dry-run)" : "Publish");
for (const t of tarballs) {
  const publishArgs = ["publish", t.tarball, "--access", "public", ...(distTag ? ["--tag", distTag] : [])];
  // npm signs provenance only where the CI gives it an identity; a dry run checks the rest.
  run("npm", dryRun ? [...publishArgs, "--dry-run"] : [...publishArgs, "--provenance"], out);
}

if (!dryRun) {
  step("Tags");
  for (const t of tarballs) git("tag", `${t.name}@${version}`, head);
  console.log(`Tagged ${head.slice(0, 12)}; push the tags: git push origin --tags`);
}

console.log(
  `\n${dryRun ? "Dry run done" : "Released"}: ${tarballs.length} packages at ${version} in ${elapsed()}.` +
    `\nTarballs and changelogs: ${relative(root, out)}/ (${readdirSync(out).length} entries)`,
);
