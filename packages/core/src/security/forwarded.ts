/** One element of an RFC 7239 `Forwarded` header: what one proxy saw. */
export interface ForwardedElement {
  for?: string;
  proto?: string;
  host?: string;
}

function unquote(value: string): string {
  const trimmed = value.trim();
  return trimmed.length >= 2 && trimmed.startsWith('"') && trimmed.endsWith('"')
    ? trimmed.slice(1, -1).replace(/\\(.)/g, "$1")
    : trimmed;
}

/** The address of a `for=` node without brackets or port: `"[::1]:80"` → `::1`. */
export function nodeAddress(node: string): string {
  if (node.startsWith("[")) {
    const end = node.indexOf("]");
    return end === -1 ? node : node.slice(1, end);
  }
  const colon = node.indexOf(":");
  // More than one colon: a bare IPv6 address, no port.
  return colon !== -1 && node.indexOf(":", colon + 1) === -1 ? node.slice(0, colon) : node;
}

/**
 * Parses a `Forwarded` header (RFC 7239 §4) into its elements, nearest proxy last.
 * Commas inside quoted strings are kept; unknown parameters are ignored.
 */
export function parseForwarded(header: string): ForwardedElement[] {
  const elements: ForwardedElement[] = [];
  for (const part of header.match(/(?:[^,"]|"(?:[^"\\]|\\.)*")+/g) ?? []) {
    const element: ForwardedElement = {};
    for (const pair of part.match(/(?:[^;"]|"(?:[^"\\]|\\.)*")+/g) ?? []) {
      const eq = pair.indexOf("=");
      if (eq === -1) continue;
      const name = pair.slice(0, eq).trim().toLowerCase();
      const value = unquote(pair.slice(eq + 1));
      if (name === "for") element.for = nodeAddress(value);
      else if (name === "proto") element.proto = value.toLowerCase();
      else if (name === "host") element.host = value;
    }
    elements.push(element);
  }
  return elements;
}
