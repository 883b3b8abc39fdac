// The shape of the sources, kept by a test: no source file over 350 lines without a one-line
// reason at its top, and no circle in any package's import graph (type-only imports included:
// a circle of types is still two files that cannot be read apart).
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

const root = join(__dirname, "..");
const packagesDir = join(root, "packages");
const MAX_LINES = 350;
const REASON = /^\/\/ Over 350 lines: \S/;

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return name.endsWith(".ts") && !name.endsWith(".d.ts") ? [path] : [];
  });
}

const packages = readdirSync(packagesDir).filter((name) =>
  statSync(join(packagesDir, name, "src"), { throwIfNoEntry: false })?.isDirectory(),
);

/** The files `file` imports or re-exports by a relative path (type-only ones too). */
function importsOf(file: string): string[] {
  const text = readFileSync(file, "utf8");
  const found: string[] = [];
  const pattern =
    /(?:^|\n)\s*(?:import|export)\b[^;'"]*?from\s*["'](\.[^"']+)["']|(?:^|\n)\s*import\s*["'](\.[^"']+)["']/g;
  for (const match of text.matchAll(pattern)) {
    const spec = match[1] ?? match[2];
    const base = resolve(dirname(file), spec);
    for (const candidate of [`${base}.ts`, join(base, "index.ts")]) {
      if (statSync(candidate, { throwIfNoEntry: false })?.isFile()) {
        found.push(candidate);
        break;
      }
    }
  }
  return found;
}

/** A circle of `files`' import graph, as relative paths, or null. */
function circleOf(files: string[]): string[] | null {
  const graph = new Map(files.map((file) => [file, importsOf(file)]));
  const state = new Map<string, "open" | "done">();
  const stack: string[] = [];
  const visit = (file: string): string[] | null => {
    state.set(file, "open");
    stack.push(file);
    for (const next of graph.get(file) ?? []) {
      if (state.get(next) === "open") return [...stack.slice(stack.indexOf(next)), next];
      if (state.get(next) === undefined) {
        const circle = visit(next);
        if (circle !== null) return circle;
      }
    }
    stack.pop();
    state.set(file, "done");
    return null;
  };
  for (const file of files) {
    if (state.get(file) !== undefined) continue;
    const circle = visit(file);
    if (circle !== null) return circle.map((path) => relative(root, path));
  }
  return null;
}

describe("the sources' shape", () => {
  it("finds the packages' sources", () => {
    expect(packages).toEqual(expect.arrayContaining(["core", "session", "ws"]));
  });

  it.each(packages)("packages/%s: no file over 350 lines without a one-line reason at its top", (name) => {
    const long = sources(join(packagesDir, name, "src"))
      .map((file) => ({ file: relative(root, file), text: readFileSync(file, "utf8") }))
      .filter(({ text }) => text.split("\n").length > MAX_LINES && !REASON.test(text))
      .map(({ file }) => file);
    expect(long).toEqual([]);
  });

  it.each(packages)("packages/%s: its import graph has no circle", (name) => {
    expect(circleOf(sources(join(packagesDir, name, "src")))).toBeNull();
  });

  it("regression: finds a circle (the runtime one query -> schema-decorator -> schema-step -> query had)", () => {
    // The check itself, on a circle of this test's own making: a file importing itself.
    const self = join(__dirname, "fixtures", "structure", "self-import.ts");
    expect(circleOf([self])).toEqual([
      "test/fixtures/structure/self-import.ts",
      "test/fixtures/structure/self-import.ts",
    ]);
  });
});
