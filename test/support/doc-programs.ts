import { mkdirSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import * as ts from "typescript";

/** A block to compile: its module name and its code. */
export interface BlockSource {
  /** A file name for the block, unique in the run (`docs-sessions-md-L16.ts`). */
  name: string;
  code: string;
}

/** The workspace packages a block imports as `@aex/<name>`, compiled from their sources. */
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a CommonJS list shared with the scripts
const { LIBRARIES, TOOLS } = require("../../scripts/workspace.cjs") as { LIBRARIES: string[]; TOOLS: string[] };
const PACKAGES = [...LIBRARIES, ...TOOLS];

/** Folders whose dependencies a block may import (the packages' and the examples' own). */
function dependencyFolders(root: string): string[] {
  return [
    root,
    ...PACKAGES.map((name) => join(root, "packages", name)),
    join(root, "examples", "notes"),
    join(root, "examples", "express-middleware"),
  ];
}

/** Where a bare specifier (`zod`, `redis`) resolves from the workspace, for running. */
function resolveDependency(root: string, specifier: string): string | null {
  for (const folder of dependencyFolders(root)) {
    try {
      return createRequire(join(folder, "package.json")).resolve(specifier);
    } catch {
      // Not a dependency of this folder.
    }
  }
  return null;
}

/** The folder of a dependency's package.json (and of its @types twin), for type-checking. */
function typeFolders(root: string, specifier: string): string[] {
  const name = specifier.startsWith("@") ? specifier.split("/").slice(0, 2).join("/") : specifier.split("/")[0];
  const subpath = specifier.slice(name.length);
  const folders: string[] = [];
  // @types first: a package without types of its own would resolve to its JavaScript.
  for (const pkg of [`@types/${name.replace(/^@/, "").replace("/", "__")}`, name]) {
    for (const folder of dependencyFolders(root)) {
      try {
        folders.push(dirname(createRequire(join(folder, "package.json")).resolve(`${pkg}/package.json`)) + subpath);
        break;
      } catch {
        // Not there.
      }
    }
  }
  return folders;
}

const isBare = (specifier: string) =>
  !specifier.startsWith(".") &&
  !specifier.startsWith("/") &&
  !specifier.startsWith("node:") &&
  !specifier.startsWith("@aex/");

/** Compiler options of the check: strict, ES modules with top-level await, standard decorators. */
export function checkOptions(root: string, sources: BlockSource[]): ts.CompilerOptions {
  const paths: Record<string, string[]> = {};
  for (const name of PACKAGES) {
    paths[`@aex/${name}`] = [`packages/${name}/src`];
    paths[`@aex/${name}/*`] = [`packages/${name}/src/*`];
  }
  for (const source of sources) {
    for (const imported of ts.preProcessFile(source.code, true, true).importedFiles) {
      if (isBare(imported.fileName) && paths[imported.fileName] === undefined) {
        const folders = typeFolders(root, imported.fileName);
        if (folders.length > 0) paths[imported.fileName] = folders;
      }
    }
  }
  return {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    moduleDetection: ts.ModuleDetectionKind.Force,
    lib: ["lib.es2022.d.ts"],
    strict: true,
    verbatimModuleSyntax: true,
    isolatedModules: true,
    esModuleInterop: true,
    skipLibCheck: true,
    noEmit: true,
    types: ["node"],
    typeRoots: [join(root, "node_modules", "@types")],
    baseUrl: root,
    paths,
  };
}

/**
 * Type-checks every block in one TypeScript program, each as an ES module of its own that
 * imports the workspace packages' sources. Returns each block's errors, as text.
 */
export function typeCheck(root: string, dir: string, sources: BlockSource[]): Map<string, string[]> {
  mkdirSync(dir, { recursive: true });
  const files = sources.map((source) => {
    const path = join(dir, source.name);
    writeFileSync(path, source.code);
    return { name: source.name, path };
  });
  const program = ts.createProgram(
    files.map((f) => f.path),
    checkOptions(root, sources),
  );
  const errors = new Map<string, string[]>();
  for (const file of files) {
    const sourceFile = program.getSourceFile(file.path)!;
    const diagnostics = [...program.getSyntacticDiagnostics(sourceFile), ...program.getSemanticDiagnostics(sourceFile)];
    errors.set(
      file.name,
      diagnostics.map((d) => {
        const where = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : undefined;
        const at = where ? `line ${where.line + 1}: ` : "";
        return `${at}TS${d.code} ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`;
      }),
    );
  }
  return errors;
}

/**
 * Writes a block as a CommonJS module exporting `run()`, which runs the block's code (top-level
 * await included) with `@aex/*` left to the test runner's mapping and other packages resolved
 * from the workspace. Returns the module's path.
 */
export function runnable(root: string, dir: string, source: BlockSource): string {
  const { outputText } = ts.transpileModule(source.code, {
    fileName: source.name,
    compilerOptions: {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.CommonJS,
      esModuleInterop: true,
      moduleDetection: ts.ModuleDetectionKind.Force,
    },
  });
  const path = join(dir, source.name.replace(/\.ts$/, ".run.js"));
  const code = outputText
    .replace(/\brequire\("([^"]+)"\)/g, (call, specifier: string) => {
      if (!isBare(specifier)) return call;
      const resolved = resolveDependency(root, specifier);
      return resolved === null ? call : `require(${JSON.stringify(resolved)})`;
    })
    .replace(/\bimport\.meta\.dirname\b/g, JSON.stringify(dir))
    .replace(/\bimport\.meta\.url\b/g, JSON.stringify(pathToFileURL(path).href));
  writeFileSync(path, `exports.run = async function run() {\n${code}\n};\n`);
  return path;
}
