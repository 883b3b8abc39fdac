import * as ts from "typescript";

/**
 * Tokens of `code`, comments and whitespace dropped. A plain scanner has no parser to tell a
 * template's `}` from a block's or a regular expression from a division; this tracks both,
 * so a template literal or a regex reads the same in a file and in an excerpt of it.
 */
export function tokens(code: string): string[] {
  const scanner = ts.createScanner(ts.ScriptTarget.Latest, true, ts.LanguageVariant.Standard, code);
  const out: string[] = [];
  /** Brace depth at which each open template's `${` was entered. */
  const templates: number[] = [];
  let depth = 0;
  let previous: ts.SyntaxKind = ts.SyntaxKind.Unknown;
  for (let kind = scanner.scan(); kind !== ts.SyntaxKind.EndOfFileToken; kind = scanner.scan()) {
    if (kind === ts.SyntaxKind.CloseBraceToken && templates.at(-1) === depth) {
      kind = scanner.reScanTemplateToken(false);
      if (kind === ts.SyntaxKind.TemplateTail) templates.pop();
    } else if (
      (kind === ts.SyntaxKind.SlashToken || kind === ts.SyntaxKind.SlashEqualsToken) &&
      regexMayStart(previous)
    ) {
      kind = scanner.reScanSlashToken();
    } else if (kind === ts.SyntaxKind.OpenBraceToken) depth++;
    else if (kind === ts.SyntaxKind.CloseBraceToken) depth--;
    if (kind === ts.SyntaxKind.TemplateHead) templates.push(depth);
    out.push(scanner.getTokenText());
    previous = kind;
  }
  return out;
}

/** Whether a `/` after a token of this kind starts a regular expression (not a division). */
function regexMayStart(previous: ts.SyntaxKind): boolean {
  const ends =
    previous === ts.SyntaxKind.Identifier ||
    previous === ts.SyntaxKind.NumericLiteral ||
    previous === ts.SyntaxKind.StringLiteral ||
    previous === ts.SyntaxKind.NoSubstitutionTemplateLiteral ||
    previous === ts.SyntaxKind.TemplateTail ||
    previous === ts.SyntaxKind.CloseParenToken ||
    previous === ts.SyntaxKind.CloseBracketToken ||
    previous === ts.SyntaxKind.CloseBraceToken ||
    previous === ts.SyntaxKind.ThisKeyword ||
    previous === ts.SyntaxKind.PlusPlusToken ||
    previous === ts.SyntaxKind.MinusMinusToken;
  return !ends;
}
