import { existsSync, readFileSync } from "node:fs";
import { basename, dirname, join, relative, resolve } from "node:path";
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

/** Whether the block is in the file and shows the imports of the names it uses. */
function excerptProblems(code: string, fileText: string, file: string): string[] {
  const haystacks = codeStreams(fileText);
  const inFile = (text: string) => {
    const needle = joined(tokens(text));
    return needle !== joined([]) && haystacks.some((haystack) => haystack.includes(needle));
  };
  const block = parse(code);
  const fileImports = importsOf(parse(fileText));
  const blockImports = importsOf(block);
  const problems: string[] = [];
  if (!inFile(code)) {
    // The block may show the imports of the names it uses above an excerpt of the file's body.
    const body = code.slice(endOfLeadingImports(block));
    if (!inFile(body)) return [`the block is not in ${file} (compared token by token, comments aside)`];
    for (const name of blockImports) {
      const found = fileImports.some((i) => i.from === name.from && i.imported === name.imported);
      if (!found) problems.push(`${file} does not import ${name.imported} from "${name.from}"`);
    }
  }
  const shown = new Set(blockImports.map((i) => i.local));
  for (const used of usedNames(block)) {
    const fromFile = fileImports.find((i) => i.local === used);
    if (fromFile !== undefined && !shown.has(used)) {
      problems.push(
        `the block uses ${used} without its import: import { ${fromFile.imported} } from "${fromFile.from}"`,
      );
    }
  }
  return problems;
}

function parse(code: string): ts.SourceFile {
  return ts.createSourceFile("block.ts", code, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
}

const joined = (list: string[]) => `\u0000${list.join("\u0000")}\u0000`;

/** The file's code, and the code held in its multi-line string literals (what tests write out and run). */
function codeStreams(fileText: string): string[] {
  const fileTokens = tokens(fileText);
  const streams = [joined(fileTokens)];
  for (const token of fileTokens) {
    if (!/^["'`]/.test(token) || !token.includes("\n")) continue;
    const value = literalValue(token);
    if (value !== null) streams.push(joined(tokens(value)));
  }
  return streams;
}

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

/** Whether the test names the file: its repository path, or a literal that resolves to it. */
function references(root: string, test: string, file: string): boolean {
  const text = readFileSync(join(root, test), "utf8");
  if (text.includes(file)) return true;
  const target = join(root, file);
  const withoutExtension = target.replace(/\.(ts|js|mjs|cjs)$/, "");
  const scanner = ts.createScanner(ts.ScriptTarget.Latest, true, ts.LanguageVariant.Standard, text);
  for (let kind = scanner.scan(); kind !== ts.SyntaxKind.EndOfFileToken; kind = scanner.scan()) {
    if (kind !== ts.SyntaxKind.StringLiteral && kind !== ts.SyntaxKind.NoSubstitutionTemplateLiteral) continue;
    const value = scanner.getTokenValue();
    if (!/^\.{0,2}\/?[\w@.-]+(\/[\w@.-]+)*$/.test(value)) continue;
    for (const base of [dirname(join(root, test)), root]) {
      const candidate = resolve(base, value);
      const isIndex = basename(withoutExtension) === "index" && candidate === dirname(target);
      if (candidate === target || candidate === withoutExtension || isIndex) {
        return true;
      }
    }
  }
  return relative(root, target) === test;
}
