import type { IncomingMessage } from "node:http";
import type { TLSSocket } from "node:tls";
import proxyAddr from "proxy-addr";
import { isValidHost } from "./host";
import { parseForwarded, type ForwardedElement } from "./forwarded";

/** What the proxy helpers read of a request (HTTP/1's `IncomingMessage` or an HTTP/2 request). */
export type RequestHead = Pick<IncomingMessage, "headers" | "socket">;

/** Decides whether the peer at `address`, `hop` steps from this server, is a trusted proxy. */
export type TrustFunction = (address: string, hop: number) => boolean;

/**
 * Which proxies Aex believes, as in Express's `trust proxy`: `true` (every hop: only
 * behind a proxy that overwrites the headers), a number of hops, addresses and CIDR
 * ranges (a list or a comma-separated string; `"loopback"`, `"linklocal"`, `"uniquelocal"`
 * name the usual private ranges), or a function. `false` or unset trusts nobody.
 */
export type TrustProxy = boolean | number | string | readonly string[] | TrustFunction;

/** Compiles `trustProxy` once, at startup; `null` trusts nobody. */
export function compileTrust(trust: TrustProxy | undefined): TrustFunction | null {
  if (trust === undefined || trust === false) return null;
  if (trust === true) return () => true;
  if (typeof trust === "number") return (_address, hop) => hop < trust;
  if (typeof trust === "function") return trust;
  const list = typeof trust === "string" ? trust.split(",").map((s) => s.trim()) : [...trust];
  return proxyAddr.compile(list);
}

function header(req: RequestHead, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(",") : value;
}

function firstValue(value: string): string {
  const comma = value.indexOf(",");
  return (comma === -1 ? value : value.slice(0, comma)).trim();
}

/**
 * The `Forwarded` element written by the last trusted proxy (walking from this server
 * outwards, RFC 7239 §7.4), or null when the peer is not trusted or sent none.
 */
function trustedElement(req: RequestHead, trust: TrustFunction): ForwardedElement | null {
  const raw = header(req, "forwarded");
  if (raw === undefined) return null;
  const elements = parseForwarded(raw);
  let address = req.socket.remoteAddress ?? "";
  let found: ForwardedElement | null = null;
  for (let hop = 0; hop < elements.length; hop++) {
    if (!trust(address, hop)) break;
    found = elements[elements.length - 1 - hop];
    if (found.for === undefined) break;
    address = found.for;
  }
  return found;
}

/*
 * A proxy writes `X-Forwarded-*` or `Forwarded` (or both, alike), and passes on what the
 * client sent in the other: HAProxy's `option forwarded` writes `Forwarded` and leaves a
 * client's `X-Forwarded-For` as it came. So when both say something and they disagree, one
 * of them is the client's own claim and neither is believed: the answer is the socket's.
 */

/** The client's address: the socket peer's, or what trusted proxies say it was. */
export function clientAddress(req: IncomingMessage, trust: TrustFunction | null): string {
  const peer = req.socket.remoteAddress ?? "";
  if (trust === null) return peer;
  const legacy = req.headers["x-forwarded-for"] === undefined ? undefined : proxyAddr(req, trust);
  if (req.headers.forwarded === undefined) return legacy ?? peer;
  const standard = trustedElement(req, trust)?.for ?? peer;
  return legacy === undefined || legacy === standard ? standard : peer;
}

/**
 * Whether a transport's request came over TLS, when it knows without a socket (aex.fetch's
 * request, from its URL). A symbol, so no property an app or middleware sets can stand for it.
 */
export const TRANSPORT_TLS: unique symbol = Symbol("aex.transportTls");

/** Whether the socket itself is TLS (HTTPS, or HTTP/2 over TLS). */
export function socketIsTls(req: RequestHead): boolean {
  // aex.fetch's request answers without making its socket facade (measured on Bun).
  const tls = (req as { readonly [TRANSPORT_TLS]?: boolean })[TRANSPORT_TLS];
  return tls ?? (req.socket as TLSSocket | null)?.encrypted === true;
}

/** Whether the socket's peer is a proxy `trust` believes. */
function fromTrustedPeer(req: RequestHead, trust: TrustFunction | null): trust is TrustFunction {
  return trust !== null && trust(req.socket?.remoteAddress ?? "", 0);
}

/**
 * The protocol a trusted proxy says the client used (`X-Forwarded-Proto`, else `Forwarded:
 * proto=`), lower-case; undefined when the peer is not trusted or says nothing.
 */
export function forwardedProtocol(req: RequestHead, trust: TrustFunction | null): string | undefined {
  if (!fromTrustedPeer(req, trust)) return undefined;
  const forwardedProto = header(req, "x-forwarded-proto");
  const legacy = forwardedProto === undefined ? undefined : firstValue(forwardedProto).toLowerCase() || undefined;
  if (header(req, "forwarded") === undefined) return legacy;
  const standard = trustedElement(req, trust)?.proto;
  return legacy === undefined || standard === undefined || legacy === standard ? (legacy ?? standard) : undefined;
}

/** `"https"` over TLS or when a trusted proxy says so, else `"http"`. */
export function protocolOf(req: RequestHead, trust: TrustFunction | null): string {
  return forwardedProtocol(req, trust) ?? (socketIsTls(req) ? "https" : "http");
}

/**
 * The host the client asked for, with its port when it gave one: a trusted proxy's
 * `X-Forwarded-Host` (`Forwarded: host=`) when it is a valid host[:port], else `Host`
 * (`:authority` over HTTP/2).
 */
export function hostOf(req: RequestHead, trust: TrustFunction | null): string | undefined {
  let host: string | undefined;
  if (fromTrustedPeer(req, trust)) {
    const forwardedHost = header(req, "x-forwarded-host");
    // A value that is no host[:port] (RFC 9112 §3.2) is not believed, like Forwarded's host=.
    const first = forwardedHost === undefined ? undefined : firstValue(forwardedHost) || undefined;
    const legacy = first !== undefined && isValidHost(first) ? first : undefined;
    const standard = header(req, "forwarded") === undefined ? undefined : trustedElement(req, trust)?.host;
    host = legacy === undefined || standard === undefined || legacy === standard ? (legacy ?? standard) : undefined;
  }
  return host || header(req, "host") || header(req, ":authority") || undefined;
}

/** The host name the client asked for, without the port. */
export function hostnameOf(req: RequestHead, trust: TrustFunction | null): string | undefined {
  const host = hostOf(req, trust);
  if (host === undefined) return undefined;
  const offset = host.startsWith("[") ? host.indexOf("]") + 1 : 0;
  const colon = host.indexOf(":", offset);
  return colon === -1 ? host : host.slice(0, colon);
}
