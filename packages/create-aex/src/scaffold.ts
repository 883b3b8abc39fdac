import { mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import type { Choices } from "./choices";
import {
  DOCKERIGNORE,
  ESLINT_CONFIG,
  GITIGNORE,
  PRETTIER_CONFIG,
  PRETTIER_IGNORE,
  TSCONFIG,
  dockerfile,
  envExample,
  packageJson,
  readme,
} from "./project-files";
import { ENV_TS, PAGE_HTML, appTestTs, appTs, mainTs } from "./source-files";

/** A target folder that exists and holds anything: create-aex never overwrites. */
export class NotEmptyError extends Error {}

/** JSON as Prettier lays it out: a short array of strings on one line (its eslint and lint scripts check). */
const json = (value: unknown) =>
  JSON.stringify(value, null, 2).replace(
    /\[\n\s+("[^"\n]*"(?:,\n\s+"[^"\n]*")*)\n\s+\]/g,
    (_, items: string) => `[${items.split(/,\n\s+/).join(", ")}]`,
  ) + "\n";

/** An npm package name from a folder name: lower case, only the characters npm allows. */
export const packageName = (dir: string) =>
  basename(resolve(dir))
    .toLowerCase()
    .replace(/[^a-z0-9._~-]+/g, "-")
    .replace(/^[._-]+/, "") || "aex-app";

/** The files of a new project, by relative path; `specs` gives each `@aex/*` package its range. */
export function projectFiles(name: string, specs: Record<string, string>, c: Choices): Record<string, string> {
  const files: Record<string, string> = {
    "package.json": json(packageJson(name, specs, c)),
    "tsconfig.json": json(TSCONFIG),
    "eslint.config.js": ESLINT_CONFIG,
    ".prettierrc.json": json(PRETTIER_CONFIG),
    ".prettierignore": PRETTIER_IGNORE,
    ".gitignore": GITIGNORE,
    ".env.example": envExample(c),
    Dockerfile: dockerfile(c),
    ".dockerignore": DOCKERIGNORE,
    "README.md": readme(name, c),
    "src/env.ts": ENV_TS,
    "src/app.ts": appTs(c),
    "src/main.ts": mainTs(c),
    "src/app.test.ts": appTestTs(c),
  };
  if (c.template) files["views/page.html"] = PAGE_HTML;
  return files;
}

/** Writes a new project into `dir` (created if missing); throws NotEmptyError on a non-empty one. */
export function scaffold(dir: string, specs: Record<string, string>, c: Choices): string[] {
  let existing: string[] = [];
  try {
    existing = readdirSync(dir);
  } catch {
    // Missing: created below.
  }
  if (existing.length > 0) throw new NotEmptyError(`${dir} is not empty; choose a new folder name`);
  const files = projectFiles(packageName(dir), specs, c);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  return Object.keys(files);
}
