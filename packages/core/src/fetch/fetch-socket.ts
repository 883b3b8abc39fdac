import { EventEmitter } from "node:events";

/** Where a transport finds a request's peer: Bun's server (`requestIP`). */
export interface PeerSource {
  requestIP(request: Request): { address: string } | null;
}

/** What a transport knows of a request beyond the `Request` itself. */
export interface FetchInfo {
  /** The client's address (the peer of the connection). */
  ip?: string;
}

/**
 * The part of a node socket Aex and common middlewares read: who the peer is, TLS, and its
 * events (on-finished listens for `close` and `error`; the transport owns the connection, so
 * they never come).
 */
export class FetchSocket {
  /** Whether the transport gave the connection up (see `FetchRequest.connectionClosed`). */
  readonly destroyed: boolean = false;
  readonly readable = true;
  readonly writable = true;
  // node's EventEmitter methods, copied onto the prototype (without its constructor).
  declare on: EventEmitter["on"];
  declare once: EventEmitter["once"];
  declare off: EventEmitter["off"];
  declare emit: EventEmitter["emit"];
  declare removeListener: EventEmitter["removeListener"];
  private address: string | undefined | null = null;

  constructor(
    private readonly request: Request,
    private readonly ip: string | undefined,
    private readonly peer: PeerSource | null,
    /** Whether the request came over TLS (its URL's scheme is `https`). */
    readonly encrypted: boolean,
  ) {}

  /** The client's address, as the transport gives it (Bun is asked on first read). */
  get remoteAddress(): string | undefined {
    if (this.address === null) this.address = this.ip ?? this.peer?.requestIP(this.request)?.address;
    return this.address;
  }
}

// node's EventEmitter, without its constructor: it makes its listener table on first use.
for (const key of Reflect.ownKeys(EventEmitter.prototype)) {
  if (key === "constructor") continue;
  Object.defineProperty(FetchSocket.prototype, key, Object.getOwnPropertyDescriptor(EventEmitter.prototype, key)!);
}
Object.assign(FetchSocket.prototype, { _events: undefined, _eventsCount: 0, _maxListeners: undefined });
