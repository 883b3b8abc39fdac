import { isValidHost } from "../security/host";
import type { FetchRequest } from "./fetch-request";

// The last Host found valid: a site's clients send the same few values (as security/host.ts does).
let lastValidHost = "";

/**
 * Whether the request names one valid host. The runtime's `Host` line decides, as on node:
 * Bun.serve joins two lines into one value (`a, b`, no host) and makes its URL from the first;
 * a Request made in code (undici, a worker) names its host in its URL only. An absolute-form
 * target's authority, which the URL then holds, must be valid too (RFC 9112 §3.2.2).
 */
export function hasValidHost(req: FetchRequest): boolean {
  const line = req.request.headers.get("host");
  if (line === null) {
    if (lastValidHost !== "" && req.namesHost(lastValidHost)) return true;
    const host = req.authority;
    // No Host and a bare path: HTTP/1.0 without Host on Bun.serve, which needs none.
    if (host === "") return req.namesHost("");
    if (!isValidHost(host)) return false;
    lastValidHost = host;
    return true;
  }
  if (line === lastValidHost && req.namesHost(line)) return true;
  if (!isValidHost(line)) return false;
  if (!req.namesHost(line) && !isValidHost(req.authority)) return false;
  if (line !== "") lastValidHost = line;
  return true;
}
