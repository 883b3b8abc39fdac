import { isIPv6 } from "node:net";
import { HttpError } from "../errors/http-error";
import type { IncomingMessage } from "node:http";

// RFC 3986 §3.2.2 reg-name: unreserved / sub-delims (pct-encoded is checked apart), by char code.
const REG_NAME = new Uint8Array(128);
for (const c of "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~!$&'()*+,;=") {
  REG_NAME[c.charCodeAt(0)] = 1;
}
// IPvFuture = "v" 1*HEXDIG "." 1*( unreserved / sub-delims / ":" ).
const IP_FUTURE = /^v[0-9a-f]+\.[\w.~!$&'()*+,;=:-]+$/i;

function isHex(code: number): boolean {
  return (code >= 48 && code <= 57) || ((code | 32) >= 97 && (code | 32) <= 102);
}

/**
 * Whether `value` is a valid `Host` field value, `uri-host [ ":" port ]` (RFC 9112 §3.2,
 * RFC 3986 §3.2.2): a reg-name (letters, digits, `-._~!$&'()*+,;=`, `%XX`), an IPv4
 * address, or an IPv6/IPvFuture literal in brackets, then digits after a colon. Empty is
 * valid (a target without authority). A scan by character class: this runs per request.
 *
 * @example
 * isValidHost("example.com:8080"); // true
 * isValidHost("[::1]:3000");       // true
 * isValidHost("evil example");     // false
 */
export function isValidHost(value: string): boolean {
  const length = value.length;
  let i = 0;
  if (length > 0 && value.charCodeAt(0) === 91 /* [ */) {
    const end = value.indexOf("]");
    if (end === -1) return false;
    const literal = value.slice(1, end);
    if (!isIPv6(literal) && !IP_FUTURE.test(literal)) return false;
    i = end + 1;
  } else {
    for (; i < length; i++) {
      const code = value.charCodeAt(i);
      if (code === 58 /* : */) break;
      if (code === 37 /* % */) {
        if (!isHex(value.charCodeAt(i + 1)) || !isHex(value.charCodeAt(i + 2))) return false;
        i += 2;
      } else if (code > 127 || REG_NAME[code] === 0) return false;
    }
  }
  if (i === length) return true;
  if (value.charCodeAt(i) !== 58 /* : */) return false;
  for (i++; i < length; i++) {
    const code = value.charCodeAt(i);
    if (code < 48 || code > 57) return false;
  }
  return true;
}

// The last Host value found valid: clients of one site send the same few values, and an equal
// string compares faster than it scans. A value, not state: valid for any app that sees it.
let lastValid = "";

/** {@link isValidHost}, answered at once for the value it last found valid. */
function isValidHostMemo(value: string): boolean {
  if (value === lastValid) return true;
  if (!isValidHost(value)) return false;
  lastValid = value;
  return true;
}

/** Whether a raw header name is `Host`, in any case, without making a lower-case copy. */
function isHostName(name: string): boolean {
  return (
    name.length === 4 &&
    (name === "Host" ||
      ((name.charCodeAt(0) | 32) === 104 &&
        (name.charCodeAt(1) | 32) === 111 &&
        (name.charCodeAt(2) | 32) === 115 &&
        (name.charCodeAt(3) | 32) === 116))
  );
}

/** `http://` or `https://`, in any case, at the start of an absolute-form target. */
const ABSOLUTE = /^https?:\/\//i;

/**
 * Whether `req` names its host as RFC 9112 §3.2 requires: over HTTP/1.1 exactly one `Host`
 * line (none is allowed in HTTP/1.0), with a valid value ({@link isValidHost}), and the
 * authority of an absolute-form target, which will replace it, valid too. Over HTTP/2,
 * `:authority` (or a `Host` header) is valid when present, and a `Host` beside `:authority`
 * names the same host. node keeps only the first of two `Host` lines in `req.headers`, so
 * they are counted in `req.rawHeaders`. Call it before `acceptAbsoluteForm` rewrites the target.
 *
 * This is the hot path -- change with care! One pass over the raw header names; `req.headers`,
 * which node builds on first read, is not read over HTTP/1.
 */
export function hasValidHost(req: IncomingMessage): boolean {
  // A real HTTP/2 stream: node's HTTP/1 parser also takes a request line that says HTTP/2.0.
  if (req.httpVersionMajor >= 2 && (req as { stream?: unknown }).stream !== undefined) {
    const authority = req.headers[":authority"];
    const host = req.headers.host;
    if (typeof authority !== "string" || typeof host !== "string") {
      return typeof (authority ?? host) !== "string" || isValidHost((authority ?? host) as string);
    }
    // RFC 9113 §8.3.1: a Host that names another entity than :authority makes the request malformed.
    return isValidHost(authority) && (host === authority || host.toLowerCase() === authority.toLowerCase());
  }
  const raw = req.rawHeaders;
  let host: string | undefined;
  for (let i = 0; i < raw.length; i += 2) {
    if (isHostName(raw[i])) {
      if (host !== undefined) return false;
      host = raw[i + 1];
    }
  }
  const http10 = req.httpVersionMajor === 1 && req.httpVersionMinor === 0;
  if (host === undefined ? !http10 : !isValidHostMemo(host)) return false;
  const url = req.url;
  return url === undefined || url.charCodeAt(0) === 47 /* / */ || isValidTargetAuthority(url);
}

/** Whether an absolute-form target's authority, the host once http/request-target.ts took it, is valid. */
function isValidTargetAuthority(url: string): boolean {
  const scheme = ABSOLUTE.exec(url);
  if (scheme === null) return true;
  let end = scheme[0].length;
  while (end < url.length && url[end] !== "/" && url[end] !== "?" && url[end] !== "#") end++;
  const authority = url.slice(scheme[0].length, end);
  return isValidHost(authority.slice(authority.lastIndexOf("@") + 1));
}

/**
 * The 400 for a request {@link hasValidHost} refused (RFC 9112 §3.2). Over HTTP/1 the
 * connection closes after it: a request with two `Host` lines is a smuggling probe.
 */
export function invalidHost(req: IncomingMessage): HttpError {
  return new HttpError(400, "The Host header is missing, repeated, or not a valid host[:port]", {
    code: "AEX_HOST_INVALID",
    headers: req.httpVersionMajor < 2 ? { Connection: "close" } : undefined,
  });
}
