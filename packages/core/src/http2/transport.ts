import { createServer as createHttpServer, type RequestListener, type ServerOptions } from "node:http";
import {
  createSecureServer,
  createServer as createH2cServer,
  type Http2SecureServer,
  type Http2Server,
  type Http2Session,
} from "node:http2";
import { createServer as createHttpsServer } from "node:https";
import type { Socket } from "node:net";
import type { Logger } from "pino";
import type { TlsOptions } from "node:tls";
import { AexError } from "../errors/aex-error";
import { CONTINUE, type AexRequest } from "../http/request";
import type { AexResponse } from "../http/response";
import { http2Classes } from "./http2-classes";
import { http2ServerOptions, resolveHttp2Limits, type Http2Limits } from "./limits";
import { guardResets } from "./reset-guard";
import { boundHttp1Fallback } from "./http1-fallback";
import { closeIdleSessions } from "./idle-sessions";

/** How the app talks to clients: TLS, HTTP/2, or plain HTTP/1.1 (the default). */
export interface TransportOptions {
  /**
   * Serve HTTPS with this key and certificate (and any other `tls` option: `ca`, `pfx`,
   * `passphrase`, `minVersion`…).
   */
  tls?: TlsOptions;
  /**
   * Serve HTTP/2. With `tls`, clients that do not offer `h2` in ALPN get HTTP/1.1 on the
   * same port. Without `tls` it is cleartext HTTP/2 (h2c) for clients that know the
   * server speaks it (a proxy, gRPC-style clients); browsers never use it. `true` takes
   * the default bounds of each connection ({@link Http2Limits}: 100 concurrent streams,
   * 16 KiB of headers, 10 MB, 200 cancelled streams a second); an object changes some.
   */
  http2?: boolean | Http2Limits;
}

/** What node's server constructors take from Aex: options, and the request and response classes. */
export type ServerSetup = ServerOptions<typeof AexRequest, typeof AexResponse>;

/** The server types Aex makes, all with `closeAllConnections`/`closeIdleConnections`. */
export type TransportServer = ReturnType<typeof createHttpServer>;

/**
 * Makes the node server for `transport`: `http`, `https`, or `http2` with the same
 * request line (`handle`) and the same AexRequest/AexResponse API for handlers.
 *
 * @example
 * const server = createTransportServer({ tls: { key, cert }, http2: true }, setup, aex.handle);
 */
export function createTransportServer(
  transport: TransportOptions | undefined,
  setup: ServerSetup,
  handle: RequestListener<typeof AexRequest, typeof AexResponse>,
): TransportServer {
  const server = createServerFor(transport, setup, handle);
  // `Expect: 100-continue`: the request is handled at once, and `100 Continue` goes out when its
  // body is first read (AexRequest._read), not before node knows whether it is wanted.
  server.on("checkContinue", (req: AexRequest, res: AexResponse) => {
    req[CONTINUE] = res;
    handle(req, res);
  });
  return server;
}

function createServerFor(
  transport: TransportOptions | undefined,
  setup: ServerSetup,
  handle: RequestListener<typeof AexRequest, typeof AexResponse>,
): TransportServer {
  if (transport === undefined || (transport.tls === undefined && !transport.http2)) {
    return createHttpServer(setup, handle);
  }
  assertTransport(transport);
  if (!transport.http2) return createHttpsServer({ ...setup, ...transport.tls }, handle) as unknown as TransportServer;
  const { IncomingMessage, ServerResponse } = setup;
  const limits = resolveHttp2Limits(transport.http2, setup.maxHeaderSize);
  const bounds = http2ServerOptions(limits);
  const classes = http2Classes(IncomingMessage!, ServerResponse!);
  const listener = handle as unknown as (...args: unknown[]) => void;
  const server =
    transport.tls === undefined
      ? createH2cServer({ ...bounds, ...classes }, listener)
      : createSecureServer(
          {
            ...bounds,
            ...transport.tls,
            ...classes,
            allowHTTP1: true,
            Http1IncomingMessage: IncomingMessage,
            Http1ServerResponse: ServerResponse,
          },
          listener,
        );
  // The app's logger, from its response class (app/app-classes.ts), for the disconnects it logs.
  guardResets(server, limits, (ServerResponse?.prototype as { app?: { log: Logger } } | undefined)?.app?.log);
  closeIdleSessions(server, limits.idleTimeout);
  if (transport.tls !== undefined) boundHttp1Fallback(server as Http2SecureServer, setup);
  return withConnectionControl(server) as unknown as TransportServer;
}

function assertTransport(transport: TransportOptions): void {
  const { tls } = transport;
  if (tls !== undefined && (typeof tls !== "object" || tls === null)) {
    throw new AexError("AEX_ERR_START_OPTIONS", "tls takes node's TLS options: { key, cert }");
  }
  if (tls !== undefined && tls.pfx === undefined && (tls.key === undefined || tls.cert === undefined)) {
    throw new AexError("AEX_ERR_START_OPTIONS", "tls needs a key and a cert (or a pfx)");
  }
  const { http2 } = transport;
  if (http2 !== undefined && typeof http2 !== "boolean" && (typeof http2 !== "object" || http2 === null)) {
    throw new AexError("AEX_ERR_START_OPTIONS", "http2 is true, false, or its limits: { maxConcurrentStreams, … }");
  }
}

/**
 * Gives an HTTP/2 server the two methods `aex.close()` uses on HTTP/1 servers: HTTP/2
 * sessions get a GOAWAY (their open streams finish), HTTP/1.1 fallback connections are
 * cut when all are closed.
 */
function withConnectionControl<S extends Http2Server | Http2SecureServer>(server: S): S {
  const sessions = new Set<Http2Session>();
  const sockets = new Set<Socket>();
  let draining = false;
  server.on("session", (session: Http2Session) => {
    // A handshake that completes while closing: its session closes once its streams end.
    if (draining) session.close();
    sessions.add(session);
    session.once("close", () => sessions.delete(session));
  });
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  });
  Object.assign(server, {
    closeIdleConnections(): void {
      draining = true;
      for (const session of sessions) session.close();
    },
    closeAllConnections(): void {
      for (const session of sessions) session.destroy();
      for (const socket of sockets) socket.destroy();
    },
  });
  return server;
}
