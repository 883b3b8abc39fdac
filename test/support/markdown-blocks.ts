import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";

/** A fenced block of a Markdown file, with the marker comment right before it, if any. */
export interface DocBlock {
  /** The Markdown file, relative to the repository root (`docs/sessions.md`). */
  doc: string;
  /** 1-based line of the opening fence. */
  line: number;
  /** The fence's language tag, lower case; "" when it has none. */
  lang: string;
  /** The block's text, its fence's indentation removed. */
  code: string;
  /** The `<!-- … -->` comment on the last non-blank line before the fence, if any. */
  marker: Marker | null;
}

/** A marker comment: `<!-- kind: argument -->` or `<!-- kind -->`. */
export interface Marker {
  kind: string;
  argument: string;
  /** 1-based line of the comment. */
  line: number;
}

const FENCE = /^(\s*)(`{3,}|~{3,})\s*([^\s`]*)[^`]*$/;
const MARKER = /^\s*<!--\s*([a-z][a-z-]*)\s*(?::\s*([\s\S]*?))?\s*-->\s*$/;

/** Every Markdown file of the repository, outside dependencies and build output. */
export function markdownFiles(root: string, dir = root): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    if (name === "node_modules" || name === "dist" || name.startsWith(".")) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...markdownFiles(root, path));
    else if (name.endsWith(".md")) out.push(relative(root, path));
  }
  return out;
}

/** The fenced blocks of one Markdown file. */
export function blocksOf(root: string, doc: string): DocBlock[] {
  const lines = readFileSync(join(root, doc), "utf8").split("\n");
  const blocks: DocBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE.exec(lines[i]);
    if (open === null) continue;
    const [, indent, fence] = open;
    const body: string[] = [];
    let j = i + 1;
    const closes = new RegExp(`^\\s*${fence[0] === "`" ? "`" : "~"}{${fence.length},}\\s*$`);
    while (j < lines.length && !closes.test(lines[j])) {
      body.push(lines[j].startsWith(indent) ? lines[j].slice(indent.length) : lines[j].trimStart());
      j++;
    }
    blocks.push({
      doc,
      line: i + 1,
      lang: open[3].toLowerCase(),
      code: body.length === 0 ? "" : body.join("\n") + "\n",
      marker: markerBefore(lines, i),
    });
    i = j;
  }
  return blocks;
}

/** The marker comment on the last non-blank line before line index `fence`. */
function markerBefore(lines: string[], fence: number): Marker | null {
  let k = fence - 1;
  while (k >= 0 && lines[k].trim() === "") k--;
  if (k < 0) return null;
  const match = MARKER.exec(lines[k]);
  return match === null ? null : { kind: match[1], argument: (match[2] ?? "").trim(), line: k + 1 };
}
