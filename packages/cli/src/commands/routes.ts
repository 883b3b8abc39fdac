import type { RouteInfo } from "@aex/core/plugin";
import { loadApp } from "../load-app";

/** One printed row: what a route runs, in order. */
export interface RouteRow {
  method: string;
  path: string;
  steps: string[];
  handler: string;
}

export const rowsOf = (routes: readonly RouteInfo[]): RouteRow[] =>
  routes.map((r) => ({ method: r.method, path: r.path, steps: [...r.steps], handler: `${r.controller}.${r.handler}` }));

/** The rows as an aligned text table; steps joined with ` > ` (the Web Straight Line). */
export function table(rows: readonly RouteRow[]): string {
  const header = ["METHOD", "PATH", "STEPS", "HANDLER"];
  const cells = rows.map((r) => [r.method, r.path, r.steps.length > 0 ? r.steps.join(" > ") : "-", r.handler]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c: string[]) =>
    c
      .map((cell, i) => (i === c.length - 1 ? cell : cell.padEnd(widths[i])))
      .join("  ")
      .trimEnd();
  return [line(header), ...cells.map(line)].join("\n") + "\n";
}

/** `aex routes [entry] [--json]` */
export async function routes(entry: string, json: boolean): Promise<number> {
  const rows = rowsOf((await loadApp(entry)).routes());
  process.stdout.write(json ? JSON.stringify(rows, null, 2) + "\n" : table(rows));
  return 0;
}
