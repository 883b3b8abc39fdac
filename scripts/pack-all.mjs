// `node scripts/pack-all.mjs [dir]`: `pnpm pack` of every published package into dir (default
// .tmp/tarballs), as a release packs them (pnpm turns `workspace:^` into `^version`), to try
// the packages before they are published: `npm install <dir>/aex-core-<version>.tgz`, or
// `create-aex my-app --from <dir>` (docs/getting-started.md, "Trying Aex before it is published").
import { execFileSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

/** pnpm 9, the package manager of the repository (packageManager in package.json). */
export function pnpmBinary() {
  return execFileSync("npx", ["--yes", "--prefer-offline", "-p", "pnpm@9", "-c", "command -v pnpm"], {
    encoding: "utf8",
  }).trim();
}

/**
 * Packs every published package of the workspace at `workspace` into `out`, @aex/core first
 * (the others' prepack builds reference it). Returns `{ folder, tarball }` for each.
 */
export function packAll(workspace, out, pnpm = pnpmBinary()) {
  const { LIBRARIES, TOOLS } = createRequire(import.meta.url)(join(workspace, "scripts", "workspace.cjs"));
  mkdirSync(out, { recursive: true });
  return [...LIBRARIES, ...TOOLS].map((folder) => {
    const printed = execFileSync(pnpm, ["pack", "--pack-destination", out], {
      cwd: join(workspace, "packages", folder),
      encoding: "utf8",
    });
    const tarball = printed
      .trim()
      .split("\n")
      .map((line) => line.trim())
      .filter((line) => line.endsWith(".tgz"))
      .pop();
    if (tarball === undefined) throw new Error(`pnpm pack printed no tarball in packages/${folder}:\n${printed}`);
    return { folder, tarball };
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const out = resolve(process.argv[2] ?? join(root, ".tmp", "tarballs"));
  for (const { tarball } of packAll(root, out)) console.log(relative(process.cwd(), tarball) || tarball);
}
