import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import * as ts from "typescript";
import { tokens } from "./tokens";

/** What a `<!-- run-by: FILE via TEST -->` marker names, paths relative to the repository root. */
export interface RunBy {
  file: string;
  test: string;
}

/** Where jest finds test files (jest.config.ts): a run-by test must be one of them. */
const TEST_FILE = /^(packages\/[^/]+\/test\/|test\/|examples\/[^/]+\/test\/).*\.test\.ts$/;

/** `FILE via TEST`, or `TEST` alone when the block is in the test file itself. */
export function parseRunBy(argument: string): RunBy | null {
  const match = /^(\S+)(?:\s+via\s+(\S+))?$/.exec(argument);
  if (match === null) return null;
  return { file: match[1], test: match[2] ?? match[1] };
}

/**
 * What is wrong with a run-by marker for `code`: the file and test must exist, the test must
 * be a jest test file that references the file, and the block must be the file's code (or
 * the text of one of its string literals, which a test writes out and runs), comments
 * aside, with any import lines it shows being imports the file has.
 */
export function runByProblems(root: string, code: string, runBy: RunBy): string[] {
  const problems: string[] = [];
  const filePath = join(root, runBy.file);
  const testPath = join(root, runBy.test);
  if (!existsSync(filePath)) return [`${runBy.file} does not exist`];
  if (!existsSync(testPath)) return [`${runBy.test} does not exist`];
  if (!TEST_FILE.test(runBy.test))
    problems.push(`${runBy.test} is not a test file jest runs (*.test.ts under a test folder)`);
  if (runBy.file !== runBy.test && !references(root, runBy.test, runBy.file)) {
    problems.push(`${runBy.test} does not reference ${runBy.file} (by its path, or an import/require/path literal)`);
  }
  const fileText = readFileSync(filePath, "utf8");
  problems.push(...excerptProblems(code, fileText, runBy.file));
  return problems;
}

/**
 * Whether the block is in the file and shows the imports of the names it uses. The file's code
 * and each of its multi-line string literals (code a test writes out and runs) are tried in
 * turn, each with its own imports.
 */
function excerptProblems(code: string, fileText: string, file: string): string[] {
  const block = parse(code);
  const body = code.slice(endOfLeadingImports(block));
  let best: string[] | null = null;
  for (const candidate of [fileText, ...multiLineLiterals(fileText)]) {
    const haystack = joined(tokens(candidate));
    const inCandidate = (text: string) => {
      const needle = joined(tokens(text));
      return needle !== joined([]) && haystack.includes(needle);
    };
    const problems: string[] = [];
    const candidateImports = importsOf(parse(candidate));
    if (!inCandidate(code)) {
      // The block may show the imports of the names it uses above an excerpt of the file's body.
      if (!inCandidate(body)) continue;
      for (const name of importsOf(block)) {
        const found = candidateImports.some((i) => i.from === name.from && i.imported === name.imported);
        if (!found) problems.push(`${file} does not import ${name.imported} from "${name.from}"`);
      }
    }
    const shown = new Set(importsOf(block).map((i) => i.local));
    for (const used of usedNames(block)) {
      const imported = candidateImports.find((i) => i.local === used);
      if (imported !== undefined && !shown.has(used)) {
        problems.push(
          `the block uses ${used} without its import: import { ${imported.imported} } from "${imported.from}"`,
        );
      }
    }
    if (problems.length === 0) return [];
    best ??= problems;
  }
  return best ?? [`the block is not in ${file} (compared token by token, comments aside)`];
}

/** The multi-line string literals of a file: code that a test writes out and runs. */
function multiLineLiterals(fileText: string): string[] {
  const values: string[] = [];
  for (const token of tokens(fileText)) {
    if (!/^["'`]/.test(token) || !token.includes("\n")) continue;
    const value = literalValue(token);
    if (value !== null) values.push(value);
  }
  return values;
}

function parse(code: string): ts.SourceFile {
  return ts.createSourceFile("block.ts", code, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
}

const joined = (list: string[]) => `\u0000${list.join("\u0000")}\u0000`;

/** The value of a string or no-substitution template literal token, or null for a template with holes. */
function literalValue(token: string): string | null {
  const scanner = ts.createScanner(ts.ScriptTarget.Latest, true, ts.LanguageVariant.Standard, token);
  const kind = scanner.scan();
  const literal = kind === ts.SyntaxKind.StringLiteral || kind === ts.SyntaxKind.NoSubstitutionTemplateLiteral;
  return literal ? scanner.getTokenValue() : null;
}

interface ImportedName {
  from: string;
  /** The exported name (`default`, `*` for a namespace). */
  imported: string;
  /** The name in the importing module. */
  local: string;
}

function importsOf(source: ts.SourceFile): ImportedName[] {
  const names: ImportedName[] = [];
  for (const statement of source.statements) {
    if (!ts.isImportDeclaration(statement) || !ts.isStringLiteral(statement.moduleSpecifier)) continue;
    const from = statement.moduleSpecifier.text;
    const clause = statement.importClause;
    if (clause?.name) names.push({ from, imported: "default", local: clause.name.text });
    const bindings = clause?.namedBindings;
    if (bindings && ts.isNamespaceImport(bindings)) names.push({ from, imported: "*", local: bindings.name.text });
    if (bindings && ts.isNamedImports(bindings)) {
      for (const element of bindings.elements) {
        names.push({ from, imported: (element.propertyName ?? element.name).text, local: element.name.text });
      }
    }
  }
  return names;
}

/** Where the block's leading import declarations end. */
function endOfLeadingImports(source: ts.SourceFile): number {
  let end = 0;
  for (const statement of source.statements) {
    if (!ts.isImportDeclaration(statement)) break;
    end = statement.end;
  }
  return end;
}

/** Identifiers the block uses as values or types (not property names, not its imports). */
function usedNames(source: ts.SourceFile): Set<string> {
  const used = new Set<string>();
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node)) return;
    if (ts.isIdentifier(node) && !isPropertyName(node)) used.add(node.text);
    ts.forEachChild(node, visit);
  };
  visit(source);
  return used;
}

function isPropertyName(node: ts.Identifier): boolean {
  const parent = node.parent;
  if (parent === undefined) return false;
  if (ts.isPropertyAccessExpression(parent)) return parent.name === node;
  if (ts.isQualifiedName(parent)) return parent.right === node;
  if (
    ts.isPropertyAssignment(parent) ||
    ts.isMethodDeclaration(parent) ||
    ts.isPropertyDeclaration(parent) ||
    ts.isPropertySignature(parent) ||
    ts.isMethodSignature(parent) ||
    ts.isGetAccessor(parent) ||
    ts.isSetAccessor(parent) ||
    ts.isEnumMember(parent) ||
    ts.isBindingElement(parent)
  ) {
    return parent.name === node || (ts.isBindingElement(parent) && parent.propertyName === node);
  }
  return false;
}

/** The string literals of a file's code (comments do not count), without their quotes. */
function literalsOf(path: string): string[] {
  return tokens(readFileSync(path, "utf8"))
    .map((token) => (/^["'`]/.test(token) ? token.slice(1, -1) : null))
    .filter((value): value is string => value !== null);
}

const PATH_LITERAL = /^\.{0,2}\/?[\w@.-]+(\/[\w@.-]+)*$/;
const EXTENSIONS = ["", ".ts", ".js", ".mjs", ".cjs", "/index.ts", "/index.js"];

/**
 * The existing files that the path literals of `path` resolve to: from its folder, from the
 * package or example it belongs to (a test's `cwd`), or from the repository root.
 */
function referencedFiles(root: string, path: string): string[] {
  const found: string[] = [];
  const workspace = /^(packages|examples)\/[^/]+/.exec(relative(root, path))?.[0];
  const bases = [dirname(path), ...(workspace ? [join(root, workspace)] : []), root];
  for (const value of literalsOf(path)) {
    if (!PATH_LITERAL.test(value)) continue;
    for (const base of bases) {
      for (const extension of EXTENSIONS) {
        const candidate = resolve(base, value) + extension;
        if (existsSync(candidate) && statSync(candidate).isFile()) found.push(candidate);
      }
    }
  }
  return found;
}

/**
 * Whether the test names the file in its code (comments do not count): a string literal with
 * its repository path, or a path literal (an import, a require, a `join(__dirname, …)` piece)
 * that resolves to it, or to a file that imports or requires it (the entry the test runs).
 */
function references(root: string, test: string, file: string): boolean {
  const testPath = join(root, test);
  if (literalsOf(testPath).some((value) => value.includes(file))) return true;
  const target = join(root, file);
  const direct = referencedFiles(root, testPath);
  if (direct.includes(target)) return true;
  return direct
    .filter((path) => /\.(ts|js|mjs|cjs)$/.test(path) && path !== testPath)
    .some((entry) => referencedFiles(root, entry).includes(target));
}
