import { readdirSync } from "node:fs";
import { join, resolve } from "node:path";

/** `--from <dir>` names a folder that lacks a tarball the project needs. */
export class TarballError extends Error {}

/**
 * `--from <dir>`: the `@aex/*` dependencies of a new project as `file:` specs of the tarballs
 * `pnpm pack` wrote into `dir` (`aex-core-0.2.0.tgz`…), so a project can be tried before the
 * packages are published. A package with tarballs of several versions takes the one of
 * `version` (create-aex's own); a package without one is an error naming it.
 *
 * @example
 * fromTarballs("../aex/.tmp/tarballs", ["@aex/core"], "0.2.0"); // { "@aex/core": "file:/…/aex-core-0.2.0.tgz" }
 */
export function fromTarballs(dir: string, names: readonly string[], version: string): Record<string, string> {
  const folder = resolve(dir);
  let files: string[];
  try {
    files = readdirSync(folder).filter((file) => file.endsWith(".tgz"));
  } catch {
    throw new TarballError(`--from ${dir}: no such folder`);
  }
  const specs: Record<string, string> = {};
  for (const name of names) {
    // pnpm pack's file name: the scope's @ dropped, / made -, then -<version>.tgz.
    const stem = name.replace(/^@/, "").replace("/", "-");
    const candidates = files.filter((file) => new RegExp(`^${stem}-\\d+\\.\\d+\\.\\d+([-+][^/]*)?\\.tgz$`).test(file));
    const chosen =
      candidates.length === 1 ? candidates[0] : candidates.find((file) => file === `${stem}-${version}.tgz`);
    if (chosen === undefined) {
      throw new TarballError(
        candidates.length === 0
          ? `--from ${dir}: no tarball of ${name} (${stem}-<version>.tgz)`
          : `--from ${dir}: several tarballs of ${name} and none of version ${version}: ${candidates.join(", ")}`,
      );
    }
    specs[name] = `file:${join(folder, chosen)}`;
  }
  return specs;
}
