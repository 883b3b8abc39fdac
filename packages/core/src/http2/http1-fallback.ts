import type { Http2SecureServer } from "node:http2";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { TLSSocket } from "node:tls";

/** The HTTP/1 timeouts of the app's `server` options (resolved: `headersTimeout` always set). */
export interface Http1Timeouts {
  readonly headersTimeout?: number;
  readonly keepAliveTimeout?: number;
}

/** Where one HTTP/1.1 connection of an HTTP/2 server is: its timer and what it saw. */
interface Watch {
  timer: NodeJS.Timeout | null;
  /** Requests being answered: no timer runs meanwhile (the body and handler timeouts do). */
  active: number;
  /** `socket.bytesRead` when the timer was armed: more since means a request has begun. */
  bytesAtArm: number;
}

const WATCH = Symbol("aex.http1Fallback");
type Watched = TLSSocket & { [WATCH]?: Watch };

const TIMEOUT_408 = "HTTP/1.1 408 Request Timeout\r\nConnection: close\r\nContent-Length: 0\r\n\r\n";

// node's own default keep-alive timeout (http.Server).
const KEEP_ALIVE = 5_000;

/**
 * Whether the connection was upgraded (a WebSocket): node frees its HTTP parser then, and the
 * socket is the upgrade handler's. Upgrades are no `request` event, so they are told apart here.
 */
function upgraded(socket: Watched): boolean {
  return (socket as { parser?: unknown }).parser === null;
}

/**
 * Gives the HTTP/1.1 connections of an HTTP/2 server with `allowHTTP1` what node's HTTP/1
 * server gives its own and node's HTTP/2 server does not: node hands them to its HTTP/1
 * parser without the connection tracking behind `headersTimeout`, and without a keep-alive
 * timeout, so a client that trickles its headers (slowloris) or idles kept the connection
 * forever. Here a connection must send a request's headers within `headersTimeout` of
 * opening or of its previous answer (else **408** and close, as node's HTTP/1 server does),
 * and one idle `keepAliveTimeout` after an answer is closed.
 *
 * @example
 * boundHttp1Fallback(server, { headersTimeout: 20_000, keepAliveTimeout: 5_000 });
 */
export function boundHttp1Fallback(server: Http2SecureServer, timeouts: Http1Timeouts): void {
  const headersTimeout = timeouts.headersTimeout ?? 0;
  const keepAliveTimeout = timeouts.keepAliveTimeout ?? KEEP_ALIVE;
  if (headersTimeout <= 0) return;

  function arm(socket: Watched, watch: Watch, ms: number, onTimeout: (this: Watched) => void): void {
    if (watch.timer !== null) clearTimeout(watch.timer);
    watch.bytesAtArm = socket.bytesRead;
    watch.timer = setTimeout(onTimeout.bind(socket), ms);
    watch.timer.unref();
  }

  // The headers of a request did not arrive in time: answered as node's HTTP/1 server does.
  function headersLate(this: Watched): void {
    const watch = this[WATCH]!;
    watch.timer = null;
    if (upgraded(this)) return;
    if (this.bytesRead === watch.bytesAtArm) this.destroy();
    else this.end(TIMEOUT_408, () => this.destroy());
  }

  // Idle since the last answer: closed; a request begun meanwhile has the rest of headersTimeout.
  function idle(this: Watched): void {
    const watch = this[WATCH]!;
    watch.timer = null;
    if (upgraded(this)) return;
    if (this.bytesRead === watch.bytesAtArm) this.destroy();
    else arm(this, watch, Math.max(1, headersTimeout - keepAliveTimeout), headersLate);
  }

  function answered(this: ServerResponse): void {
    // `res.socket` is detached by now: the request keeps it.
    const socket = this.req.socket as Watched;
    const watch = socket[WATCH];
    if (watch === undefined || --watch.active > 0 || socket.destroyed) return;
    arm(socket, watch, keepAliveTimeout, idle);
  }

  server.on("secureConnection", (socket: Watched) => {
    if (socket.alpnProtocol === "h2") return;
    const watch: Watch = { timer: null, active: 0, bytesAtArm: 0 };
    socket[WATCH] = watch;
    arm(socket, watch, headersTimeout, headersLate);
    socket.once("close", () => {
      if (watch.timer !== null) clearTimeout(watch.timer);
    });
  });

  server.on("request", (req: IncomingMessage, res: ServerResponse) => {
    if (req.httpVersionMajor >= 2) return;
    const watch = (req.socket as Watched)[WATCH];
    if (watch === undefined) return;
    watch.active++;
    if (watch.timer !== null) {
      clearTimeout(watch.timer);
      watch.timer = null;
    }
    res.once("finish", answered);
  });
}
