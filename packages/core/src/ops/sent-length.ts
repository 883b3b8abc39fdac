import type { ServerResponse } from "node:http";

/**
 * The Content-Length a response sent, or -1 when unknown. `res.json` and `res.send` write
 * their head with `writeHead(status, headers)`, whose headers node sends without keeping
 * them for `getHeader`: then read the head it wrote. For plugins that measure answers.
 *
 * @example
 * aex.addResponseHooks({ onResponse: (_req, res) => bytes.observe(Math.max(0, sentLength(res))) });
 */
export function sentLength(res: ServerResponse): number {
  const kept = res.getHeader("content-length");
  if (kept !== undefined) return Number(kept);
  const head = (res as unknown as { _header?: unknown })._header;
  if (typeof head !== "string") return -1;
  const at = head.search(/\r\ncontent-length: /i);
  return at === -1 ? -1 : Number.parseInt(head.slice(at + 18), 10);
}
