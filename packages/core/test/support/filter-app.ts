import { Aex, body, filter, http, type FilterOptions, type Scope } from "@aex/core";

/**
 * An app with one route per source, each checked by `options`: `POST /body` (JSON),
 * `GET /query`, `GET /params/:a/:b`. Each answers what `@filter` extracted.
 */
export function filterApp(options: FilterOptions): Aex {
  class Checked {
    echo(_req: unknown, res: { json(v: unknown): void }, scope: Scope) {
      res.json(scope.extracted);
    }
  }
  const proto = Checked.prototype as unknown as Record<string, unknown>;
  for (const [name, url, method, parse] of [
    ["viaBody", "/body", "post", true],
    ["viaQuery", "/query", "get", false],
    ["viaParams", "/params/:a/:b", "get", false],
  ] as const) {
    proto[name] = Checked.prototype.echo;
    const descriptor = Object.getOwnPropertyDescriptor(proto, name)!;
    filter(options)(proto, name, descriptor);
    if (parse) body("json")(proto, name, descriptor);
    http(method, url)(proto, name, descriptor);
  }
  return new Aex().push(Checked);
}
