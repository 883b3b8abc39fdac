import type { Http2SecureServer, Http2Server, ServerHttp2Session, ServerHttp2Stream } from "node:http2";

const OPEN = Symbol("aex.http2.openStreams");

type Counted = ServerHttp2Session & { [OPEN]?: number };

// node calls these with the session or the stream as `this`: no closure per stream.
function onStreamClose(this: ServerHttp2Stream): void {
  const session = this.session as Counted | undefined;
  if (session !== undefined) session[OPEN] = (session[OPEN] ?? 1) - 1;
}

function onIdle(this: Counted): void {
  // A stream open without traffic (an event stream between events) keeps its connection.
  if ((this[OPEN] ?? 0) === 0 && !this.closed) this.close();
}

/**
 * Closes (GOAWAY, then the socket) an HTTP/2 connection that has no stream open and sent
 * or received nothing for `idleTimeout` ms. node's HTTP/2 server keeps every session
 * until the client leaves (its `timeout` is 0), where its HTTP/1 server closes an idle
 * connection after `keepAliveTimeout`.
 *
 * @example
 * closeIdleSessions(server, 60_000);
 */
export function closeIdleSessions(server: Http2Server | Http2SecureServer, idleTimeout: number): void {
  server.on("session", (session: Counted) => {
    session[OPEN] = 0;
    session.setTimeout(idleTimeout, onIdle);
    session.on("stream", (stream: ServerHttp2Stream) => {
      session[OPEN]!++;
      stream.once("close", onStreamClose);
    });
  });
}
