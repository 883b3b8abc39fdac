// Every error code the packages define is asserted by at least one test, by its code: a
// string (or template, or regular expression) literal naming it in a test folder's file,
// comments aside. A new code with no test fails here. (docs.test.ts checks docs/errors.md.)
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { errorCodes } from "./support/error-codes";
import { tokens } from "./support/tokens";

const root = join(__dirname, "..");

/** Files of the test folders (test/ and each package's and example's test/), but not this check's own. */
function testFiles(): string[] {
  const walk = (dir: string): string[] =>
    readdirSync(dir).flatMap((name) => {
      if (name === "node_modules" || name === "dist") return [];
      const path = join(dir, name);
      return statSync(path).isDirectory() ? walk(path) : /\.(ts|js|mjs|cjs)$/.test(name) ? [path] : [];
    });
  const folders = [
    join(root, "test"),
    ...["packages", "examples"].flatMap((parent) =>
      readdirSync(join(root, parent)).map((name) => join(root, parent, name, "test")),
    ),
  ].filter((dir) => statSync(dir, { throwIfNoEntry: false })?.isDirectory());
  const own = new Set(["test/error-codes.test.ts", "test/support/error-codes.ts", "test/docs.test.ts"]);
  return folders.flatMap(walk).filter((path) => !own.has(relative(root, path)));
}

/** The text of every string, template and regular expression literal of a file. */
function literals(path: string): string[] {
  return tokens(readFileSync(path, "utf8")).filter((token) => /^["'`/}]/.test(token));
}

describe("error codes", () => {
  const codes = errorCodes(root);
  const files = testFiles();
  const named = files.flatMap(literals).join("\n");

  it("finds the codes and the test files", () => {
    expect(codes.size).toBeGreaterThan(50);
    expect(files.length).toBeGreaterThan(50);
  });

  it("asserts every error code of every package in some test, by its code", () => {
    const untested = [...codes.values()]
      .filter(({ code }) => !new RegExp(`\\b${code}\\b`).test(named))
      .map(({ code, files: where }) => `${code} (${where.join(", ")})`);
    expect(untested).toEqual([]);
  });
});
