// The public surface of every package entry (each `exports` subpath), against the reviewed
// list in test/exports.snapshot.txt: an export appears or disappears only on purpose.
// After a deliberate change: UPDATE_EXPORTS=1 npx jest test/exports.test.ts, and review the diff.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import * as ts from "typescript";

const root = join(__dirname, "..");
const SNAPSHOT = join(__dirname, "exports.snapshot.txt");
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a CommonJS list shared with the scripts
const { LIBRARIES: PACKAGES } = require("../scripts/workspace.cjs") as { LIBRARIES: string[] };

interface Entry {
  /** `@aex/session/redis` */
  specifier: string;
  /** packages/session/src/redis.ts */
  source: string;
}

/** Every entry of every package, read from its package.json `exports` map. */
function entries(): Entry[] {
  return PACKAGES.flatMap((name) => {
    const dir = join(root, "packages", name);
    const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as {
      name: string;
      exports: Record<string, string | { require: { default: string } }>;
    };
    return Object.entries(pkg.exports)
      .filter(([subpath]) => subpath !== "./package.json")
      .map(([subpath, target]) => {
        if (typeof target === "string") throw new Error(`${pkg.name}: ${subpath} has no import/require conditions`);
        const built = /^\.\/dist\/(.+)\.js$/.exec(target.require.default);
        if (built === null) throw new Error(`${pkg.name}: ${subpath} does not point into dist/`);
        return { specifier: pkg.name + subpath.slice(1), source: join(dir, "src", `${built[1]}.ts`) };
      });
  });
}

/** Sorts `value Name` / `type Name` lines by name, case-insensitively (no locale). */
const byName = (line: string) => `${line.slice(line.indexOf(" ") + 1).toLowerCase()} ${line}`;

/** `value Name` / `type Name` lines of each entry, from the TypeScript sources. */
function surface(list: Entry[]): Map<string, string[]> {
  const paths: Record<string, string[]> = {};
  for (const name of PACKAGES) {
    paths[`@aex/${name}`] = [`packages/${name}/src`];
    paths[`@aex/${name}/*`] = [`packages/${name}/src/*`];
  }
  const program = ts.createProgram(
    list.map((entry) => entry.source),
    {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.CommonJS,
      moduleResolution: ts.ModuleResolutionKind.Node10,
      experimentalDecorators: true,
      strict: true,
      skipLibCheck: true,
      noEmit: true,
      types: ["node"],
      baseUrl: root,
      paths,
    },
  );
  const checker = program.getTypeChecker();
  const out = new Map<string, string[]>();
  for (const entry of list) {
    const file = program.getSourceFile(entry.source);
    const moduleSymbol = file && checker.getSymbolAtLocation(file);
    if (moduleSymbol === undefined) throw new Error(`${entry.specifier}: no module at ${entry.source}`);
    const lines = checker.getExportsOfModule(moduleSymbol).map((symbol) => {
      const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
      return `${target.flags & ts.SymbolFlags.Value ? "value" : "type"} ${symbol.name}`;
    });
    out.set(
      entry.specifier,
      lines.sort((a, b) => (byName(a) < byName(b) ? -1 : byName(a) > byName(b) ? 1 : 0)),
    );
  }
  return out;
}

const HEADER = `# The public surface of each package entry: \`value\` names exist at runtime (in both the
# CommonJS and the ESM build), \`type\` names only in the .d.ts files. Checked by
# test/exports.test.ts; after a deliberate change run
#   UPDATE_EXPORTS=1 npx jest test/exports.test.ts
# and review the diff like any other change of the public API.
`;

function render(map: Map<string, string[]>): string {
  return (
    HEADER + [...map].map(([specifier, lines]) => `\n${specifier}\n${lines.map((l) => `  ${l}\n`).join("")}`).join("")
  );
}

function parse(text: string): Map<string, string[]> {
  const map = new Map<string, string[]>();
  let current: string[] | undefined;
  for (const line of text.split("\n")) {
    if (line.startsWith("#") || line.trim() === "") continue;
    if (line.startsWith("  ")) current?.push(line.trim());
    else map.set(line.trim(), (current = []));
  }
  return map;
}

describe("public exports", () => {
  const list = entries();
  const actual = surface(list);
  if (process.env.UPDATE_EXPORTS) writeFileSync(SNAPSHOT, render(actual));
  const reviewed = parse(readFileSync(SNAPSHOT, "utf8"));

  it("has a reviewed list for exactly the entries of the exports maps", () => {
    expect([...reviewed.keys()]).toEqual([...actual.keys()]);
  });

  it.each(list.map((entry) => [entry.specifier]))("%s exports exactly its reviewed list", (specifier) => {
    expect(actual.get(specifier)).toEqual(reviewed.get(specifier));
  });

  it.each(list.map((entry) => [entry.specifier]))("%s: its runtime exports are its value exports", (specifier) => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the module as node loads it
    const runtime = Object.keys(require(specifier) as object).filter((name) => name !== "__esModule");
    const values = (actual.get(specifier) ?? [])
      .filter((line) => line.startsWith("value "))
      .map((line) => line.slice(6));
    expect(runtime.sort()).toEqual(values.sort());
  });
});
