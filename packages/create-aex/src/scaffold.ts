import { mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import type { Choices } from "./choices";
import { GITIGNORE, TSCONFIG, packageJson, readme } from "./project-files";
import { PAGE_HTML, appTestTs, appTs, mainTs } from "./source-files";

/** A target folder that exists and holds anything: create-aex never overwrites. */
export class NotEmptyError extends Error {}

const json = (value: unknown) => JSON.stringify(value, null, 2) + "\n";

/** An npm package name from a folder name: lower case, only the characters npm allows. */
export const packageName = (dir: string) =>
  basename(resolve(dir))
    .toLowerCase()
    .replace(/[^a-z0-9._~-]+/g, "-")
    .replace(/^[._-]+/, "") || "aex-app";

/** The files of a new project, by relative path. */
export function projectFiles(name: string, aexRange: string, c: Choices): Record<string, string> {
  const files: Record<string, string> = {
    "package.json": json(packageJson(name, aexRange, c)),
    "tsconfig.json": json(TSCONFIG),
    ".gitignore": GITIGNORE,
    "README.md": readme(name, c),
    "src/app.ts": appTs(c),
    "src/main.ts": mainTs(c),
    "src/app.test.ts": appTestTs(c),
  };
  if (c.template) files["views/page.html"] = PAGE_HTML;
  return files;
}

/** Writes a new project into `dir` (created if missing); throws NotEmptyError on a non-empty one. */
export function scaffold(dir: string, aexRange: string, c: Choices): string[] {
  let existing: string[] = [];
  try {
    existing = readdirSync(dir);
  } catch {
    // Missing: created below.
  }
  if (existing.length > 0) throw new NotEmptyError(`${dir} is not empty; choose a new folder name`);
  const files = projectFiles(packageName(dir), aexRange, c);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  return Object.keys(files);
}
