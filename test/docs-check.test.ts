// The docs check's own rules (test/docs.test.ts): what a run-by marker accepts and refuses,
// on a throwaway repository.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { blocksOf } from "./support/markdown-blocks";
import { runByProblems } from "./support/run-by";

let root: string;
function write(path: string, text: string): void {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), text);
}

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), "aex-docs-check-"));
  write(
    "examples/app/src/app.ts",
    `import { Aex, get } from "@aex/core";

export class Home {
  @get("/")
  home(_req: unknown, res: { end(text: string): void }) {
    res.end(\`hello \${1 + 1}\`);
  }
}

// const secret = "only in a comment";
export const aex = new Aex().push(Home);
`,
  );
  write("examples/app/src/main.ts", `import { aex } from "./app";\nvoid aex.start(3000);\n`);
  write("examples/app/test/main.test.ts", `it("runs", () => { require("child_process").fork("src/main.ts"); });\n`);
  write("examples/app/test/unrelated.test.ts", `it("runs", () => undefined);\n`);
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const runBy = { file: "examples/app/src/app.ts", test: "examples/app/test/main.test.ts" };

describe("a run-by marker", () => {
  it("accepts an excerpt whitespace aside, with the imports of the names it uses", () => {
    const block = `import { Aex } from "@aex/core";\n\nexport const aex    = new Aex()\n  .push(Home);\n`;
    expect(runByProblems(root, block, runBy)).toEqual([]);
  });

  it("accepts the file's test when it runs an entry that imports the file", () => {
    expect(runByProblems(root, `res.end(\`hello \${1 + 1}\`);`, runBy)).toEqual([]);
  });

  it("refuses text that is only in a comment of the file", () => {
    expect(runByProblems(root, `const secret = "only in a comment";`, runBy)).toEqual([
      "the block is not in examples/app/src/app.ts (compared token by token, comments aside)",
    ]);
  });

  it("refuses an excerpt that uses an imported name without its import, or imports what the file does not", () => {
    expect(runByProblems(root, "export const aex = new Aex().push(Home);", runBy)).toEqual([
      'the block uses Aex without its import: import { Aex } from "@aex/core"',
    ]);
    expect(runByProblems(root, `import { Aex, post } from "@aex/core";\nnew Aex().push(Home);`, runBy)).toEqual([
      'examples/app/src/app.ts does not import post from "@aex/core"',
    ]);
  });

  it("refuses a test that does not run the file, and files that do not exist", () => {
    const block = `res.end(\`hello \${1 + 1}\`);`;
    expect(runByProblems(root, block, { ...runBy, test: "examples/app/test/unrelated.test.ts" })).toEqual([
      "examples/app/test/unrelated.test.ts does not reference examples/app/src/app.ts (by its path, or an import/require/path literal)",
    ]);
    expect(runByProblems(root, block, { ...runBy, file: "examples/app/src/gone.ts" })).toEqual([
      "examples/app/src/gone.ts does not exist",
    ]);
    expect(runByProblems(root, block, { file: runBy.file, test: "examples/app/src/main.ts" })).toEqual([
      "examples/app/src/main.ts is not a test file jest runs (*.test.ts under a test folder)",
    ]);
  });
});

describe("Markdown blocks", () => {
  it("reads each fence's language, text and the marker right above it, and nested fences whole", () => {
    write(
      "docs/page.md",
      [
        "Intro",
        "",
        "<!-- run-by: examples/app/src/app.ts via examples/app/test/main.test.ts -->",
        "",
        "```ts",
        "const a = 1;",
        "```",
        "",
        "````md",
        "```ts",
        "inner",
        "```",
        "````",
        "",
        "```",
        "```",
      ].join("\n"),
    );
    expect(blocksOf(root, "docs/page.md")).toEqual([
      {
        doc: "docs/page.md",
        line: 5,
        lang: "ts",
        code: "const a = 1;\n",
        marker: { kind: "run-by", argument: "examples/app/src/app.ts via examples/app/test/main.test.ts", line: 3 },
      },
      { doc: "docs/page.md", line: 9, lang: "md", code: "```ts\ninner\n```\n", marker: null },
      { doc: "docs/page.md", line: 15, lang: "", code: "", marker: null },
    ]);
  });
});
