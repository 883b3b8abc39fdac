import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import * as ts from "typescript";

/** An error code of a package, as its sources define and use it. */
export interface ErrorCode {
  code: string;
  /** The HTTP status it is answered with, when it is one (from a `*_CODES` map or `new HttpError(status, …)`). */
  status?: number;
  /** Where it appears, relative to the repository root. */
  files: string[];
}

const CODE = /^AEX_[A-Z0-9_]+$/;

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...sourceFiles(path));
    else if (name.endsWith(".ts") && !name.endsWith(".d.ts")) out.push(path);
  }
  return out;
}

/**
 * Every `AEX_…` error code in `packages/<name>/src`: the keys of exported `…_CODES` maps
 * (their value starts with the status, `"404: …"`) and every string literal that is a code
 * (`new HttpError(503, …, { code: "AEX_…" })`, `new AexError("AEX_ERR_…")`). Comments
 * do not count. Throws when two places give one code different statuses.
 */
export function errorCodes(root: string): Map<string, ErrorCode> {
  const codes = new Map<string, ErrorCode>();
  const add = (code: string, file: string, status: number | undefined) => {
    const entry = codes.get(code) ?? { code, files: [] };
    if (!entry.files.includes(file)) entry.files.push(file);
    if (status !== undefined) {
      if (entry.status !== undefined && entry.status !== status) {
        throw new Error(`${code}: status ${entry.status} in one place, ${status} in ${file}`);
      }
      entry.status = status;
    }
    codes.set(code, entry);
  };
  const packages = join(root, "packages");
  for (const pkg of readdirSync(packages)) {
    const src = join(packages, pkg, "src");
    if (!statSync(join(packages, pkg)).isDirectory()) continue;
    let files: string[];
    try {
      files = sourceFiles(src);
    } catch {
      continue;
    }
    for (const path of files) {
      const file = relative(root, path);
      const source = ts.createSourceFile(path, readFileSync(path, "utf8"), ts.ScriptTarget.Latest, true);
      const visit = (node: ts.Node): void => {
        if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.name.text.endsWith("_CODES")) {
          const value = node.initializer && unwrap(node.initializer);
          if (value && ts.isObjectLiteralExpression(value)) {
            for (const property of value.properties) {
              if (!ts.isPropertyAssignment(property) || !ts.isIdentifier(property.name)) continue;
              if (!CODE.test(property.name.text)) continue;
              const text = ts.isStringLiteralLike(property.initializer) ? property.initializer.text : "";
              const status = /^(\d{3}):/.exec(text);
              add(property.name.text, file, status ? Number(status[1]) : undefined);
            }
            return;
          }
        }
        if (ts.isStringLiteralLike(node) && CODE.test(node.text)) add(node.text, file, statusAround(node));
        ts.forEachChild(node, visit);
      };
      visit(source);
    }
  }
  return codes;
}

/** `x as const`, `x satisfies T`, `(x)`: the expression inside. */
function unwrap(node: ts.Expression): ts.Expression {
  while (ts.isAsExpression(node) || ts.isSatisfiesExpression(node) || ts.isParenthesizedExpression(node)) {
    node = node.expression;
  }
  return node;
}

/** The status of the `new HttpError(status, …)` a code literal is an argument of, if any. */
function statusAround(node: ts.Node): number | undefined {
  for (let parent = node.parent; parent !== undefined; parent = parent.parent) {
    if (ts.isNewExpression(parent) && parent.expression.getText() === "HttpError") {
      const first = parent.arguments?.[0];
      return first && ts.isNumericLiteral(first) ? Number(first.text) : undefined;
    }
    if (ts.isFunctionLike(parent) || ts.isSourceFile(parent)) return undefined;
  }
  return undefined;
}

/** The code rows of the Markdown tables of `text`: `` | `CODE` | status | … | `` or `` | `CODE` | meaning | ``. */
export function documentedCodes(text: string): { code: string; status?: number; line: number }[] {
  const rows: { code: string; status?: number; line: number }[] = [];
  text.split("\n").forEach((line, index) => {
    const cells = /^\|(.*)\|\s*$/
      .exec(line)?.[1]
      .split("|")
      .map((cell) => cell.trim());
    const code = cells && /^`(AEX_[A-Z0-9_]+)`$/.exec(cells[0])?.[1];
    if (!cells || !code) return;
    const status = /^\d{3}$/.test(cells[1] ?? "") ? Number(cells[1]) : undefined;
    rows.push({ code, status, line: index + 1 });
  });
  return rows;
}
