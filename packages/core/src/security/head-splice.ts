import { ServerResponse, type IncomingMessage, type OutgoingHttpHeader, type OutgoingHttpHeaders } from "node:http";

/** node's own methods and fields of a response, used here: `_storeHeader` builds `_header`. */
interface NodeHead {
  _storeHeader(firstLine: string, headers: unknown): void;
  _header?: unknown;
  outputData?: readonly { data: unknown }[];
}

/** Lines for the head being built now; read once by the next `_storeHeader` (synchronous). */
let pendingLines: string | null = null;

/**
 * node's `_storeHeader(statusLine, headers)`, which `writeHead` calls to build the head,
 * with the pending lines put after the status line. Installed on a response class's
 * prototype by {@link spliceHeadLines}.
 */
function storeHeaderWithLines(this: NodeHead, firstLine: string, headers: unknown): void {
  const lines = pendingLines;
  pendingLines = null;
  const base = ServerResponse.prototype as unknown as NodeHead;
  base._storeHeader.call(this, lines === null ? firstLine : firstLine + lines, headers);
}

/**
 * Lets `writeHeadWithLines` work for responses of `Response` (call once per class, where
 * {@link CAN_SPLICE_HEAD}).
 */
export function spliceHeadLines(Response: { prototype: object }): void {
  Object.defineProperty(Response.prototype, "_storeHeader", { value: storeHeaderWithLines, writable: true });
}

/**
 * node's `writeHead(status, reason?, headers?)` with `lines` (`Name: value\r\n`…, already
 * validated) put in the head right after the status line, as one string: node checks and
 * copies only the response's own headers. The response's class must have gone through
 * {@link spliceHeadLines}.
 */
export function writeHeadWithLines(
  res: ServerResponse,
  status: number,
  reason: string | OutgoingHttpHeaders | readonly OutgoingHttpHeader[] | undefined,
  headers: OutgoingHttpHeaders | readonly OutgoingHttpHeader[] | undefined,
  lines: string,
): void {
  pendingLines = lines;
  try {
    const writeHead = ServerResponse.prototype.writeHead as (
      this: ServerResponse,
      status: number,
      reason?: unknown,
      headers?: unknown,
    ) => ServerResponse;
    writeHead.call(res, status, reason, headers);
  } finally {
    // writeHead threw before building the head: the lines must not reach another response.
    pendingLines = null;
  }
}

/**
 * Whether this runtime's `writeHead` builds the head with `_storeHeader(statusLine, …)` and
 * sends what it built: then the security headers, validated once when the app is made,
 * go in as one string instead of through writeHead's checks and copies for each header of
 * each response (measured with callgrind: 15 headers through writeHead cost about 16k
 * instructions more than 3). Checked once, on a response with no socket, whose bytes node
 * keeps in `outputData`. Node's own http does it; on Bun and Deno, whose node:http is
 * their own, every header goes through writeHead.
 */
export const CAN_SPLICE_HEAD: boolean = probe();

function probe(): boolean {
  const versions = process.versions as Record<string, string | undefined>;
  if (versions.bun !== undefined || versions.deno !== undefined) return false;
  try {
    class Probe extends ServerResponse {}
    spliceHeadLines(Probe);
    const req = { method: "GET", httpVersionMajor: 1, httpVersionMinor: 1, headers: {} } as IncomingMessage;
    const res = new Probe(req);
    writeHeadWithLines(res, 200, ["content-length", "0"], undefined, "x-aex-probe: 1\r\n");
    res.end();
    const sent = (res as unknown as NodeHead).outputData;
    return (
      Array.isArray(sent) &&
      sent.some(
        (chunk) => typeof chunk.data === "string" && chunk.data.startsWith("HTTP/1.1 200 OK\r\nx-aex-probe: 1\r\n"),
      )
    );
  } catch {
    return false;
  }
}
