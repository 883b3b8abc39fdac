import { AexError } from "../errors/aex-error";

/** One piece of a route pattern. */
export type PathToken =
  | { readonly kind: "static"; readonly text: string }
  | { readonly kind: "param"; readonly name: string }
  | { readonly kind: "wildcard"; readonly name: string };

/**
 * Normalises a route pattern: `*` means every path, a trailing slash is dropped (so
 * `/users/` and `/users` are one route), and static text is percent-encoded the way
 * clients send it.
 */
export function normalizePath(pattern: string): string {
  if (typeof pattern !== "string" || (pattern !== "*" && !pattern.startsWith("/"))) {
    throw new AexError("AEX_ERR_ROUTE_INVALID", JSON.stringify(pattern));
  }
  if (pattern === "*") return "/*";
  return pattern.length > 1 && pattern.endsWith("/") ? pattern.slice(0, -1) : pattern;
}

/** Whether `pattern` matches every path: `*`, `/*` or `/*name`. */
export function matchesEveryPath(pattern: string): boolean {
  return /^\/\*[\w$*]*$/.test(normalizePath(pattern));
}

/** Joins a group prefix and a route pattern: `("/api", "/users")` → `/api/users`. */
export function joinPaths(prefix: string, pattern: string): string {
  if (prefix === "" || prefix === "/") return pattern;
  const head = normalizePath(prefix);
  return pattern === "/" ? head : head + normalizePath(pattern);
}

/**
 * Splits a pattern into static text, `:param` segments and a final `*` (or `*name`)
 * wildcard. A parameter spans one whole segment; a wildcard must be last.
 */
export function tokenize(pattern: string): PathToken[] {
  const path = normalizePath(pattern);
  const tokens: PathToken[] = [];
  let text = "";
  const segments = path.split("/");
  for (let i = 1; i < segments.length; i++) {
    const segment = segments[i];
    text += "/";
    if (segment.startsWith(":") || segment.startsWith("*")) {
      const isWildcard = segment.startsWith("*");
      const name = segment.slice(1) || (isWildcard ? "*" : "");
      if (!/^[\w$*]+$/.test(name)) {
        throw new AexError("AEX_ERR_ROUTE_INVALID", `bad parameter name in ${JSON.stringify(pattern)}`);
      }
      if (isWildcard && i !== segments.length - 1) {
        throw new AexError("AEX_ERR_ROUTE_INVALID", `a wildcard must end the pattern ${JSON.stringify(pattern)}`);
      }
      tokens.push({ kind: "static", text });
      text = "";
      tokens.push({ kind: isWildcard ? "wildcard" : "param", name });
    } else {
      // Static text is matched against the raw request path, so store it encoded.
      text += segment.includes("%") ? segment : encodeURI(segment);
    }
  }
  if (text !== "") tokens.push({ kind: "static", text });
  return tokens.filter((t) => t.kind !== "static" || t.text !== "");
}
