import { IncomingMessage } from "node:http";
import { DEFAULT_BODY_LIMITS, type BodyLimits } from "../parsers/body-limits";
import { clientAddress, hostnameOf, protocolOf, type TrustFunction } from "../security/trust-proxy";
import { RequestCookies } from "./cookies";

/** Values of a parsed query string: a repeated key gives an array. */
export type QueryValues = Record<string, string | string[] | undefined>;

/**
 * @internal Where a request that sent `Expect: 100-continue` keeps the response to send
 * `100 Continue` on, until its body is first read (the server's `checkContinue` listener sets it).
 */
export const CONTINUE: unique symbol = Symbol("aex.continue");

/** The part of a response that sends `100 Continue`. */
interface ContinueSender {
  readonly headersSent: boolean;
  writeContinue(callback?: () => void): void;
}

/** Route parameters, already percent-decoded. */
export type RouteParams = Record<string, string>;

/**
 * The request object Aex's server creates (`http.createServer({ IncomingMessage })`).
 * It is node's `IncomingMessage` plus the fields Express users expect; steps fill
 * `params`, `query` and `body`, which are also on the `scope`.
 */
export class AexRequest extends IncomingMessage {
  /** Set when the app's own routes matched (the 404 is answered only when nothing did). */
  declare routed: boolean;
  /** Route parameters; an empty object until a route with parameters matched. */
  declare params: RouteParams;
  /** The parsed query, once `@query()` (or another parser) ran. */
  query?: QueryValues;
  /** The parsed body, once `@body()`/`@formdata()` ran. Its shape is the client's choice. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the client decides its shape
  body?: any;

  /** This request's id: the trusted client's `X-Request-Id`, or one Aex generated. */
  declare id: string;
  /** The pattern of the route that matched (`/users/:id`), once one did. */
  declare route?: string;
  /** The method the client sent, when `methodOverride()` changed `req.method`. */
  declare originalMethod?: string;
  /** The app's body limits (`new Aex({ limits })`); shared by its requests, on the prototype. */
  declare readonly bodyLimits: BodyLimits;
  /** The app's compiled `trustProxy` (null: trust nobody); on the prototype. */
  declare readonly trustProxy: TrustFunction | null;

  private _cookies?: RequestCookies;
  /** @internal See {@link CONTINUE}. */
  declare [CONTINUE]: ContinueSender | null;

  /**
   * node's `_read`, which runs when something first reads the body: a client that asked
   * `Expect: 100-continue` is told to send it only now, so a request refused before its body
   * is read (a 413 by its Content-Length, a 401) never makes the client send it (RFC 9110
   * §10.1.1).
   */
  override _read(size: number): void {
    const res = this[CONTINUE];
    if (res !== null) {
      this[CONTINUE] = null;
      if (!res.headersSent) res.writeContinue();
    }
    super._read(size);
  }

  /**
   * The client's IP address: the socket peer's, or, when the peer is a trusted proxy
   * (`new Aex({ trustProxy })`), the one `X-Forwarded-For`/`Forwarded` names. Rate limits
   * key on it.
   */
  get ip(): string {
    return clientAddress(this, this.trustProxy);
  }

  /** `"https"` over TLS or when a trusted proxy says so (`X-Forwarded-Proto`/`Forwarded`), else `"http"`. */
  get protocol(): string {
    return protocolOf(this, this.trustProxy);
  }

  /** Whether the request came over HTTPS (`req.protocol === "https"`). */
  get secure(): boolean {
    return this.protocol === "https";
  }

  /** The host name asked for, without its port (from `X-Forwarded-Host` only via a trusted proxy). */
  get hostname(): string | undefined {
    return hostnameOf(this, this.trustProxy);
  }

  /** The request's cookies, parsed on first use: `req.cookies.get("sid")`. */
  get cookies(): RequestCookies {
    return (this._cookies ??= new RequestCookies(this.headers.cookie));
  }

  /** The URL path without the query string. */
  get path(): string {
    const url = this.url ?? "/";
    const q = url.indexOf("?");
    return q === -1 ? url : url.slice(0, q);
  }

  /** The URL as received; kept for Express middlewares that read it. */
  get originalUrl(): string {
    return this.url ?? "/";
  }

  /** A request header by case-insensitive name (Express's `req.get`). */
  get(name: string): string | undefined {
    const value = this.headers[name.toLowerCase()];
    return Array.isArray(value) ? value.join(", ") : value;
  }

  /** Alias of {@link AexRequest.get}, as in Express. */
  header(name: string): string | undefined {
    return this.get(name);
  }
}

// Most routes have no parameters: they all share one empty, frozen object.
Object.defineProperty(AexRequest.prototype, "params", { value: Object.freeze({}), writable: true });
Object.defineProperty(AexRequest.prototype, "routed", { value: false, writable: true });
Object.defineProperty(AexRequest.prototype, CONTINUE, { value: null, writable: true });
// An app's own subclass overrides these two (app/aex.ts `createServer`).
Object.defineProperty(AexRequest.prototype, "bodyLimits", { value: DEFAULT_BODY_LIMITS, writable: true });
Object.defineProperty(AexRequest.prototype, "trustProxy", { value: null, writable: true });
