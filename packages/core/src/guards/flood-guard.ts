import type { Server } from "node:net";
import type { Socket } from "node:net";
import type { AexBunServer } from "../fetch/bun-server";
import { AexError } from "../errors/aex-error";
import { HttpError } from "../errors/http-error";
import type { AexRequest } from "../http/request";
import type { AexResponse } from "../http/response";
import { decoratorStep, type DecoratorStep } from "../registry/decorator-step";
import { addressKey, DEFAULT_IPV6_SUBNET, validSubnet } from "./address-key";
import { clientIp } from "./client-ip";
import { guardLog } from "./guard-log";
import { MemoryRateLimitStore } from "./memory-rate-limit-store";

/** Options of {@link floodGuard}. */
export interface FloodGuardOptions {
  /** Open connections allowed per address (checked once attached to the server). Default 64. */
  maxConnectionsPerIp?: number;
  /** Requests per `windowMs` after which an address is banned. Default 1000. */
  maxRequests?: number;
  /** Window of `maxRequests`, in milliseconds. Default 10 000. */
  windowMs?: number;
  /** How long a ban lasts, in milliseconds. Default 60 000. */
  banMs?: number;
  /** Most addresses banned or counted at once (oldest dropped first). Default 100 000. */
  maxTracked?: number;
  /**
   * IPv6 clients are counted, capped and banned by this prefix of their address (one user
   * holds a whole prefix); IPv4-mapped addresses count as IPv4. Default 56; `false`: each address.
   */
  ipv6Subnet?: number | false;
}

/** A flood guard: a step (counts requests, bans) that also watches a server's connections. */
export interface FloodGuard extends DecoratorStep {
  /**
   * Caps connections per address and drops banned addresses' new connections on `server`. On
   * Bun's server (`aex.server` once `aex.start()` served with Bun.serve), which shows no
   * connections, the cap counts each address's requests in flight instead (an idle keep-alive
   * connection is not seen; Bun's idle timeout closes it), and the step answers the one over
   * it: attach after `start()`, and `aex.use(guard)`.
   */
  attach(server: Server | AexBunServer): void;
  /** Whether `ip` (its IPv6 prefix, see `ipv6Subnet`) is banned now. */
  isBanned(ip: string): boolean;
  /** Lifts the ban on `ip` (its IPv6 prefix). */
  unban(ip: string): void;
  /** Open connections from `ip` (its IPv6 prefix) on the attached servers (on Bun's: requests in flight). */
  connections(ip: string): number;
}

function positive(value: number | undefined, fallback: number, name: string): number {
  const chosen = value ?? fallback;
  if (!Number.isFinite(chosen) || chosen < 1) throw new AexError("AEX_ERR_GUARD_OPTIONS", `floodGuard ${name}`);
  return chosen;
}

const REFUSED_BODY = JSON.stringify({
  statusCode: 503,
  error: "Service Unavailable",
  message: "Too many connections from this address",
  code: "AEX_FLOOD_CONNECTIONS",
});
const REFUSED =
  "HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Type: application/json; charset=utf-8\r\n" +
  `Content-Length: ${Buffer.byteLength(REFUSED_BODY)}\r\n\r\n${REFUSED_BODY}`;

/**
 * A first line against floods from single addresses, in one process: a cap on open
 * connections per address (`guard.attach(server)`) and a ban list, with expiry, of
 * addresses that sent more than `maxRequests` per `windowMs` (the step: `aex.use(guard)`).
 * A banned address gets 429 `AEX_FLOOD_BANNED` with `Retry-After` and its new connections
 * are closed at once; a connection over the cap gets 503 `AEX_FLOOD_CONNECTIONS`.
 * A reverse proxy or CDN in front still does what one process cannot (distributed
 * attacks, bandwidth, TLS floods); this complements it, it does not replace it.
 *
 * @example
 * const guard = floodGuard({ maxConnectionsPerIp: 32, maxRequests: 500, windowMs: 10_000, banMs: 60_000 });
 * aex.use(guard);
 * guard.attach(aex.createServer());
 * await aex.start(8080);
 */
export function floodGuard(options: FloodGuardOptions = {}): FloodGuard {
  const maxConnections = positive(options.maxConnectionsPerIp, 64, "maxConnectionsPerIp");
  const maxRequests = positive(options.maxRequests, 1000, "maxRequests");
  const windowMs = positive(options.windowMs, 10_000, "windowMs");
  const banMs = positive(options.banMs, 60_000, "banMs");
  const maxTracked = positive(options.maxTracked, 100_000, "maxTracked");
  const subnet = options.ipv6Subnet ?? DEFAULT_IPV6_SUBNET;
  if (!validSubnet(subnet)) throw new AexError("AEX_ERR_GUARD_OPTIONS", "floodGuard ipv6Subnet");
  const keyOf = (address: string) => addressKey(address, subnet);
  const counts = new MemoryRateLimitStore({ maxKeys: maxTracked });
  const bans = new Map<string, number>();
  const open = new Map<string, number>();

  function banEnd(ip: string, now = Date.now()): number | undefined {
    const until = bans.get(ip);
    if (until === undefined) return undefined;
    if (until > now) return until;
    bans.delete(ip);
    return undefined;
  }

  function ban(ip: string, now: number): void {
    bans.delete(ip);
    bans.set(ip, now + banMs);
    while (bans.size > maxTracked) bans.delete(bans.keys().next().value as string);
    guardLog("flood: %s banned for %d ms", ip, banMs);
  }

  function onConnection(socket: Socket): void {
    const ip = keyOf(socket.remoteAddress ?? "unknown");
    if (banEnd(ip) !== undefined) {
      socket.destroy();
      return;
    }
    const count = (open.get(ip) ?? 0) + 1;
    if (count > maxConnections) {
      guardLog("flood: %s over %d connections", ip, maxConnections);
      socket.end(REFUSED);
      socket.destroySoon();
      return;
    }
    open.set(ip, count);
    socket.once("close", () => {
      const left = (open.get(ip) ?? 1) - 1;
      if (left <= 0) open.delete(ip);
      else open.set(ip, left);
    });
  }

  // Attached to Bun's server: requests in flight stand for connections (see `attach`).
  let countRequests = false;

  /** One more request in flight from `ip`; false when that is over the cap. */
  function admit(ip: string, res: AexResponse): boolean {
    const count = (open.get(ip) ?? 0) + 1;
    if (count > maxConnections) {
      guardLog("flood: %s over %d requests in flight", ip, maxConnections);
      return false;
    }
    open.set(ip, count);
    res.once("close", () => {
      const left = (open.get(ip) ?? 1) - 1;
      if (left <= 0) open.delete(ip);
      else open.set(ip, left);
    });
    return true;
  }

  const step = decoratorStep("floodGuard", (req: AexRequest, res: AexResponse) => {
    const ip = keyOf(clientIp(req));
    const now = Date.now();
    let until = banEnd(ip, now);
    if (until === undefined && counts.hit(ip, windowMs, "fixed", now).count > maxRequests) {
      ban(ip, now);
      until = now + banMs;
    }
    if (until === undefined) {
      if (countRequests && !admit(ip, res)) {
        res.shouldKeepAlive = false;
        throw new HttpError(503, "Too many connections from this address", { code: "AEX_FLOOD_CONNECTIONS" });
      }
      return undefined;
    }
    res.shouldKeepAlive = false;
    throw new HttpError(429, "Too many requests; try again later", {
      code: "AEX_FLOOD_BANNED",
      headers: { "Retry-After": String(Math.max(1, Math.ceil((until - now) / 1000))) },
    });
  });

  return Object.assign(step, {
    attach(server: Server | AexBunServer): void {
      if ("bun" in server) {
        countRequests = true;
        return;
      }
      // Before node's own listener, so a refused socket never reaches the HTTP parser.
      server.prependListener("connection", onConnection);
    },
    isBanned: (ip: string) => banEnd(keyOf(ip)) !== undefined,
    unban: (ip: string) => void bans.delete(keyOf(ip)),
    connections: (ip: string) => open.get(keyOf(ip)) ?? 0,
  });
}
