import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { AEX_ERROR_CODES, HTTP_ERROR_CODES } from "@aex/core";
import { TEMPLATE_ERROR_CODES } from "@aex/template";
import { WS_ERROR_CODES, WS_HTTP_ERROR_CODES } from "@aex/ws";

const root = join(__dirname, "..");

function files(dir: string, accept: (path: string) => boolean): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    if (name === "node_modules" || name === "dist" || name.startsWith(".")) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...files(path, accept));
    else if (accept(path)) out.push(path);
  }
  return out;
}

/** Lines trimmed, blank lines dropped: indentation may differ between a doc and its source. */
function normalize(code: string): string {
  return code
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "")
    .join("\n");
}

const docs = [
  join(root, "README.md"),
  ...files(join(root, "docs"), (p) => p.endsWith(".md")),
  ...files(join(root, "packages"), (p) => p.endsWith("README.md")),
];

// Code that runs: example apps and tests.
const sources = [
  ...files(join(root, "examples"), (p) => /\.(ts|js|mjs|cjs)$/.test(p)),
  ...files(join(root, "packages"), (p) => /\/test\/.*\.(ts|js)$/.test(p)),
  ...files(join(root, "test"), (p) => p.endsWith(".ts")),
]
  .map((path) => normalize(readFileSync(path, "utf8")))
  .join("\n");

const blocks = docs.flatMap((path) =>
  [...readFileSync(path, "utf8").matchAll(/```(ts|typescript|js|javascript)\n([\s\S]*?)```/g)].map((match) => ({
    doc: relative(root, path),
    code: match[2],
  })),
);

describe("documentation", () => {
  it("has code blocks to check", () => {
    expect(blocks.length).toBeGreaterThan(10);
  });

  it.each(blocks.map((b) => [b.doc, b.code.split("\n")[0], b.code]))(
    "%s: the block starting %j is an excerpt of an example or test that runs",
    (_doc, _first, code) => {
      expect(sources.includes(normalize(code))).toBe(true);
    },
  );

  it("docs/errors.md lists every error code of every package", () => {
    const errorsDoc = readFileSync(join(root, "docs/errors.md"), "utf8");
    const missing = [
      ...Object.keys(AEX_ERROR_CODES),
      ...Object.keys(HTTP_ERROR_CODES),
      ...Object.keys(TEMPLATE_ERROR_CODES),
      ...Object.keys(WS_HTTP_ERROR_CODES),
      ...Object.keys(WS_ERROR_CODES),
    ].filter((code) => !errorsDoc.includes("`" + code + "`"));
    expect(missing).toEqual([]);
  });
});
