import { isIP } from "node:net";
import { isValidHost } from "./host";

/** One element of an RFC 7239 `Forwarded` header: what one proxy saw. */
export interface ForwardedElement {
  for?: string;
  proto?: string;
  host?: string;
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

// RFC 7239 §6: node = nodename [ ":" node-port ]; nodename = IPv4 / "[" IPv6 "]" / "unknown" /
// obfnode ("_" 1*( ALPHA / DIGIT / "." / "_" / "-" )); node-port = port / obfport.
const OBFUSCATED = /^_[\w.-]+$/;
const PORT = /^(?:\d{1,5}|_[\w.-]+)$/;
// RFC 3986 §3.1: scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ).
const SCHEME = /^[a-z][a-z\d+.-]*$/;

/** A `for=` value as RFC 7239 §6 writes it, as {@link nodeAddress} gives it; `undefined` when it is not one. */
function forNode(value: string): string | undefined {
  let name = value;
  let port: string | undefined;
  if (value.startsWith("[")) {
    const end = value.indexOf("]");
    if (end === -1) return undefined;
    name = value.slice(1, end);
    if (isIP(name) !== 6) return undefined;
    if (end + 1 < value.length) {
      if (value[end + 1] !== ":") return undefined;
      port = value.slice(end + 2);
    }
  } else {
    const colon = value.indexOf(":");
    if (colon !== -1) {
      // A bare IPv6 address (several colons) is not RFC 7239's, but proxies write it so.
      if (value.indexOf(":", colon + 1) !== -1) return isIP(value) === 6 ? value : undefined;
      name = value.slice(0, colon);
      port = value.slice(colon + 1);
    }
    if (isIP(name) !== 4 && name !== "unknown" && !OBFUSCATED.test(name)) return undefined;
  }
  if (port !== undefined && !PORT.test(port)) return undefined;
  return name;
}

/**
 * Splits `text` at `separator` outside quoted strings, trimmed. A quote that is never closed
 * is a plain character, so a client's broken element cannot swallow the elements the proxies
 * appended after it. One pass (two when a quote is left open): the header comes from clients.
 */
function split(text: string, separator: number): string[] {
  const parts: string[] = [];
  let start = 0;
  let quoted = -1;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (quoted !== -1) {
      if (code === 92 /* \ */) i++;
      else if (code === 34 /* " */) quoted = -1;
    } else if (code === 34) quoted = i;
    else if (code === separator) {
      parts.push(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  if (quoted === -1) {
    parts.push(text.slice(start).trim());
    return parts;
  }
  // The quote at `quoted` never closed: from there on, quotes are plain characters.
  let from = start;
  for (let i = quoted; i < text.length; i++) {
    if (text.charCodeAt(i) === separator) {
      parts.push(text.slice(from, i).trim());
      from = i + 1;
    }
  }
  parts.push(text.slice(from).trim());
  return parts;
}

/** A token or a quoted string (RFC 7230 §3.2.6) as its text; `undefined` when it is neither. */
function unquote(value: string): string | undefined {
  if (value.length < 2 || value.charCodeAt(0) !== 34 || value.charCodeAt(value.length - 1) !== 34) {
    return value === "" || value.includes('"') ? undefined : value;
  }
  let text = "";
  for (let i = 1; i < value.length - 1; i++) {
    const char = value[i];
    if (char === "\\") text += value[++i] ?? "";
    else if (char === '"') return undefined;
    else text += char;
  }
  return text;
}

/**
 * Parses a `Forwarded` header (RFC 7239 §4) into its elements, nearest proxy last. Commas
 * inside quoted strings are kept; unknown parameters are ignored. A value that is not what
 * RFC 7239 §5-6 allows (a `for=` that is no address, a `proto=` that is no scheme, a `host=`
 * that is no `host[:port]`) is dropped, and an element that names a parameter twice, or has
 * a broken pair, is empty: a client writes what it likes in its own element, never in the
 * ones the trusted proxies append. Linear in the header's length.
 *
 * @example
 * parseForwarded('for=192.0.2.60;proto=https, for="[2001:db8::1]:4711"');
 * // [{ for: "192.0.2.60", proto: "https" }, { for: "2001:db8::1" }]
 */
export function parseForwarded(header: string): ForwardedElement[] {
  const elements: ForwardedElement[] = [];
  for (const part of split(header, 44 /* , */)) {
    const element: ForwardedElement = {};
    const seen = new Set<string>();
    let broken = false;
    for (const pair of split(part, 59 /* ; */)) {
      if (pair === "") continue;
      const eq = pair.indexOf("=");
      const name = eq === -1 ? "" : pair.slice(0, eq).trim().toLowerCase();
      const value = eq === -1 ? undefined : unquote(pair.slice(eq + 1).trim());
      if (name === "" || value === undefined || seen.has(name)) {
        broken = true;
        break;
      }
      seen.add(name);
      if (name === "for") element.for = forNode(value);
      else if (name === "proto") element.proto = SCHEME.test(value.toLowerCase()) ? value.toLowerCase() : undefined;
      else if (name === "host") element.host = isValidHost(value) ? value : undefined;
    }
    if (broken) elements.push({});
    else {
      for (const key of ["for", "proto", "host"] as const) if (element[key] === undefined) delete element[key];
      elements.push(element);
    }
  }
  return elements;
}
