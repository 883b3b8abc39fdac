import type { AexRequest } from "./request";

/** `scheme://authority` at the start of an absolute-form request target. */
const ABSOLUTE = /^https?:\/\/([^/?#]*)/i;

/**
 * Turns an absolute-form request target (`GET http://example.com/a?b HTTP/1.1`), which a
 * server must accept (RFC 9112 §3.2.2), into the origin form the router reads (`/a?b`), and
 * takes the host from the target instead of the `Host` header, as that section says. Any
 * other target that does not start with `/` (`OPTIONS *`, garbage) is left as it came.
 */
export function acceptAbsoluteForm(req: AexRequest): void {
  const url = req.url as string;
  const match = ABSOLUTE.exec(url);
  if (match === null) return;
  const rest = url.slice(match[0].length);
  req.url = rest === "" ? "/" : rest.charCodeAt(0) === 47 /* / */ ? rest : `/${rest}`;
  const authority = match[1].slice(match[1].lastIndexOf("@") + 1);
  if (authority !== "") req.headers.host = authority;
}
