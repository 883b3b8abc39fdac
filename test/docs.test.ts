// The docs check: every code block of every Markdown file in the repository (README.md,
// docs/, the packages' READMEs, any other *.md outside node_modules and dist) is executable
// in truth. CONTRIBUTING.md explains the same rules for writers.
//
// A ```ts block (or ```typescript, ```tsx) is, by default, a whole program: it starts from its
// imports, this test type-checks it (one TypeScript program for every block, strict, ES module
// with top-level await, standard decorators, `@aex/*` from the packages' sources) and then runs
// it, in process, to its end: it must close what it opens. What it prints with console.log is
// its output. A marker, an HTML comment on the last non-blank line before the fence, changes
// that:
//
//   <!-- run-by: FILE via TEST -->   the block is an excerpt of FILE, which TEST (a jest test
//   <!-- run-by: TEST -->            file) runs. Checked: both exist, TEST references FILE
//                                    (its path, or an import/require/path literal resolving to
//                                    it), and the block is FILE's code, token by token with
//                                    comments dropped (or the text of a multi-line string
//                                    literal of FILE, which the test writes out and runs).
//                                    The block may start with import lines above an excerpt:
//                                    each must name an import FILE has. A name the block uses
//                                    that FILE imports must be imported in the block.
//   <!-- compile-only: REASON -->    type-checked, not run (it serves until stopped, needs
//                                    Redis…); the reason is required.
//
// ```js blocks cannot be type-checked here: they need a run-by marker.
//
// A ```json block needs one of:
//
//   <!-- output -->                  it is what the nearest code block above it (run by this
//                                    test) printed, compared as JSON (```text blocks: as text)
//   <!-- same-as: FILE -->           it equals the JSON (or JSONC) file FILE
//   <!-- checked-by: TEST -->        TEST reads it from this Markdown file and checks it
//   <!-- illustrative: REASON -->    not checked; the reason says why it cannot be
//
// Other languages (sh, text, html…) are prose; a fence without a language, or with one this
// test does not know, fails. Empty blocks fail. UPDATE_DOC_OUTPUTS=1 rewrites every output
// block with what its program printed (review the diff). Last, docs/errors.md must list every error
// code the packages' sources define, with the status they answer it with, and no other.
import { readFileSync } from "node:fs";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { format, isDeepStrictEqual } from "node:util";
import * as ts from "typescript";
import { runnable, typeCheck, type BlockSource } from "./support/doc-programs";
import { documentedCodes, errorCodes } from "./support/error-codes";
import { blocksOf, markdownFiles, type DocBlock } from "./support/markdown-blocks";
import { parseRunBy, runByProblems } from "./support/run-by";

const root = join(__dirname, "..");

const TYPESCRIPT = new Set(["ts", "typescript", "tsx"]);
const JAVASCRIPT = new Set(["js", "javascript", "mjs", "cjs", "jsx"]);
const JSON_LANGS = new Set(["json", "jsonc"]);
/** Fences that are not code this test can check: commands, program output, markup. */
const PROSE = new Set([
  "sh",
  "bash",
  "shell",
  "console",
  "text",
  "txt",
  "html",
  "dockerfile",
  "yaml",
  "yml",
  "ini",
  "md",
  "markdown",
  "haproxy",
  "nginx",
]);

/** How long one block may run before it counts as not finishing. */
const RUN_LIMIT_MS = 15_000;

const docs = markdownFiles(root);
const blocks = docs.flatMap((doc) => blocksOf(root, doc));
const label = (block: DocBlock) => `${block.doc}:${block.line} (${block.lang || "no language"})`;
const moduleName = (block: DocBlock) => `${block.doc.replace(/[^\w]+/g, "-")}-L${block.line}.ts`;

/** Blocks this test compiles (and runs, unless compile-only). */
const compiled = blocks.filter(
  (b) => TYPESCRIPT.has(b.lang) && (b.marker === null || b.marker.kind === "compile-only") && b.code.trim() !== "",
);
const sources: BlockSource[] = compiled.map((b) => ({ name: moduleName(b), code: b.code }));

let dir: string;
let diagnostics: Map<string, string[]>;
/** What each block that ran printed, by block. */
const outputs = new Map<DocBlock, string>();

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "aex-docs-"));
  diagnostics = typeCheck(root, dir, sources);
}, 120_000);
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  writeOutputs(updates);
});

/** Output blocks to rewrite with what their program printed (UPDATE_DOC_OUTPUTS=1). */
const updates: { block: DocBlock; text: string }[] = [];

/** Replaces each block's lines in its Markdown file, from the last block up, so lines stay valid. */
function writeOutputs(list: { block: DocBlock; text: string }[]): void {
  for (const doc of new Set(list.map((u) => u.block.doc))) {
    const lines = readFileSync(join(root, doc), "utf8").split("\n");
    for (const { block, text } of list.filter((u) => u.block.doc === doc).sort((a, b) => b.block.line - a.block.line)) {
      const length = block.code === "" ? 0 : block.code.split("\n").length - 1;
      lines.splice(block.line, length, ...text.replace(/\n$/, "").split("\n"));
    }
    writeFileSync(join(root, doc), lines.join("\n"));
  }
}

/** Runs a compiled block's module to its end and returns what it printed. */
async function run(block: DocBlock): Promise<string> {
  const path = runnable(root, dir, { name: moduleName(block), code: block.code });
  const printed: string[] = [];
  const spy = jest.spyOn(console, "log").mockImplementation((...args: unknown[]) => {
    printed.push(format(...args));
  });
  let timer: NodeJS.Timeout | undefined;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- through jest's registry, for @aex/* mapping
    const { run: runBlock } = require(path) as { run: () => Promise<void> };
    await Promise.race([
      runBlock(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`did not finish within ${RUN_LIMIT_MS} ms`)), RUN_LIMIT_MS);
      }),
    ]);
  } finally {
    clearTimeout(timer);
    spy.mockRestore();
  }
  return printed.join("\n");
}

/** The nearest code block above `block` in its file, if this test ran it (to its end). */
function previousRun(block: DocBlock): DocBlock | undefined {
  const code = (b: DocBlock) => TYPESCRIPT.has(b.lang) || JAVASCRIPT.has(b.lang);
  const above = blocks.filter((b) => b.doc === block.doc && b.line < block.line && code(b)).at(-1);
  return above !== undefined && outputs.has(above) ? above : undefined;
}

function readJsonc(path: string): unknown {
  const { config, error } = ts.parseConfigFileTextToJson(path, readFileSync(path, "utf8"));
  if (error !== undefined) throw new Error(`${path} is not JSON`);
  return config;
}

describe("documentation", () => {
  it("has code blocks to check", () => {
    expect(docs).toEqual(expect.arrayContaining(["README.md", "docs/getting-started.md"]));
    expect(blocks.filter((b) => TYPESCRIPT.has(b.lang)).length).toBeGreaterThan(50);
  });

  it.each(blocks.map((b) => [label(b), b] as const))("%s", async (_label, block) => {
    const marker = block.marker;
    if (block.lang === "") throw new Error("a fence needs a language (```ts, ```sh, ```text…)");
    if (block.code.trim() === "") throw new Error("the block is empty");

    if (TYPESCRIPT.has(block.lang) || JAVASCRIPT.has(block.lang)) {
      if (marker?.kind === "run-by") {
        const runBy = parseRunBy(marker.argument);
        if (runBy === null)
          throw new Error(`run-by takes "FILE via TEST" or "TEST", not ${JSON.stringify(marker.argument)}`);
        expect(runByProblems(root, block.code, runBy)).toEqual([]);
        return;
      }
      if (JAVASCRIPT.has(block.lang)) throw new Error("a JavaScript block needs <!-- run-by: FILE via TEST -->");
      if (marker !== null && marker.kind !== "compile-only") {
        throw new Error(`a code block takes run-by or compile-only markers, not ${marker.kind}`);
      }
      expect(diagnostics.get(moduleName(block))).toEqual([]);
      if (marker?.kind === "compile-only") {
        expect(marker.argument).not.toBe("");
        return;
      }
      outputs.set(block, await run(block));
      return;
    }

    const isJson = JSON_LANGS.has(block.lang);
    if (!isJson && !PROSE.has(block.lang)) throw new Error(`unknown fence language ${JSON.stringify(block.lang)}`);
    if (isJson) expect(() => ts.parseConfigFileTextToJson("block.json", block.code)).not.toThrow();
    const json = () => readJsoncText(block.code);
    switch (marker?.kind) {
      case "output": {
        const source = previousRun(block);
        if (source === undefined) {
          throw new Error("<!-- output --> needs the code block above it to be one this test ran to its end");
        }
        const printed = outputs.get(source)!;
        if (process.env.UPDATE_DOC_OUTPUTS === "1") updates.push({ block, text: printed.trimEnd() + "\n" });
        else if (isJson) expect(JSON.parse(printed)).toEqual(json());
        else expect(printed.trimEnd()).toBe(block.code.trimEnd());
        return;
      }
      case "same-as":
        expect(isDeepStrictEqual(readJsonc(join(root, marker.argument)), json())).toBe(true);
        return;
      case "checked-by": {
        const test = readFileSync(join(root, marker.argument), "utf8");
        expect(marker.argument).toMatch(/\.test\.ts$/);
        expect(test).toContain(basename(block.doc));
        return;
      }
      case "illustrative":
        expect(marker.argument).not.toBe("");
        return;
      default:
        if (isJson) throw new Error("a JSON block needs a marker: output, same-as, checked-by or illustrative");
    }
  });
});

function readJsoncText(text: string): unknown {
  const { config, error } = ts.parseConfigFileTextToJson("block.json", text);
  if (error !== undefined) throw new Error(`not JSON: ${ts.flattenDiagnosticMessageText(error.messageText, "\n")}`);
  return config;
}

describe("docs/errors.md", () => {
  const codes = errorCodes(root);
  const rows = documentedCodes(readFileSync(join(root, "docs", "errors.md"), "utf8"));

  it("finds the packages' error codes", () => {
    expect(codes.size).toBeGreaterThan(50);
    expect(codes.get("AEX_NOT_FOUND")?.status).toBe(404);
  });

  it("lists every error code of every package once, with the status it is answered with", () => {
    const problems: string[] = [];
    for (const { code, status, files } of codes.values()) {
      const found = rows.filter((row) => row.code === code);
      if (found.length === 0) problems.push(`${code} (${files.join(", ")}) is missing`);
      if (found.length > 1)
        problems.push(`${code} is listed ${found.length} times (lines ${found.map((r) => r.line)})`);
      for (const row of found) {
        if (row.status !== status)
          problems.push(`${code}: line ${row.line} says ${row.status}, the code answers ${status}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it("lists no code that no package has", () => {
    expect(rows.filter((row) => !codes.has(row.code)).map((row) => `${row.code} (line ${row.line})`)).toEqual([]);
  });
});
