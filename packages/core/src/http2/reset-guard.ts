import { constants, type Http2SecureServer, type Http2Server, type ServerHttp2Stream } from "node:http2";
import type { Logger } from "pino";
import type { ResolvedHttp2Limits } from "./limits";

/** What a session counts: the client's cancels within the current window. */
interface Resets {
  start: number;
  count: number;
}

const RESETS = Symbol("aex.http2.resets");

type Counted = ServerHttp2Stream["session"] & { [RESETS]?: Resets };

/**
 * Closes the connection of a client that cancels more than `maxResets` streams within
 * `resetWindow` ms with GOAWAY `ENHANCE_YOUR_CALM` (CVE-2023-44487, "rapid reset": each
 * stream costs the server a handler run, its cancel costs the client nothing, and the
 * concurrent-streams bound never fills). nghttp2 (node 20) has a limiter of its own, but
 * it lets 1,000 resets through, then sends GOAWAY `INTERNAL_ERROR` and leaves the
 * connection open; Bun's stops at about 1,000 too.
 *
 * @example
 * guardResets(server, limits, app.log);
 */
export function guardResets(
  server: Http2Server | Http2SecureServer,
  limits: ResolvedHttp2Limits,
  log: Logger | undefined,
): void {
  const { maxResets, resetWindow } = limits;

  function count(session: Counted | undefined): void {
    if (session === undefined || session.destroyed) return;
    const now = Date.now();
    let resets = session[RESETS];
    if (resets === undefined || now - resets.start >= resetWindow) resets = session[RESETS] = { start: now, count: 0 };
    if (++resets.count <= maxResets) return;
    log?.warn(
      { remoteAddress: session.socket?.remoteAddress, resets: resets.count, resetWindow },
      "HTTP/2 client cancelled too many streams: disconnected (GOAWAY ENHANCE_YOUR_CALM)",
    );
    // Sends GOAWAY with this code, then closes the socket; the error goes to the server's `sessionError`.
    session.destroy(new Error("too many cancelled streams"), constants.NGHTTP2_ENHANCE_YOUR_CALM);
  }

  // Called by node with the stream as `this`: no closure per stream.
  function onAborted(this: ServerHttp2Stream): void {
    count(this.session as Counted | undefined);
  }

  server.on("stream", (stream: ServerHttp2Stream) => {
    // A cancel that came in the same read as its HEADERS may close the stream before this event.
    if (stream.aborted || (stream.closed && stream.rstCode !== constants.NGHTTP2_NO_ERROR)) {
      count(stream.session as Counted | undefined);
    } else stream.once("aborted", onAborted);
  });
}
