import { IncomingMessage, ServerResponse } from "node:http";
import { Http2ServerRequest, Http2ServerResponse } from "node:http2";
import type { AexRequest } from "../http/request";
import type { AexResponse } from "../http/response";
import type { SecurityHeaders } from "../security/headers";
import { isSecure } from "../security/is-secure";
import { SLOT } from "../app/slot-list";
import { runBeforeEnd } from "../http/before-end";
import { WATCHED_BY } from "../app/watchdog";

/** The request and response classes an HTTP/2 stream is served with. */
export interface Http2Classes {
  /** The app's request class for HTTP/2 streams, with the helpers of its `AexRequest`. */
  readonly Http2ServerRequest: typeof Http2ServerRequest;
  /** The app's response class for HTTP/2 streams, with the helpers of its `AexResponse`. */
  readonly Http2ServerResponse: typeof Http2ServerResponse;
}

type Callback = () => void;

/**
 * Copies the helpers an Aex class adds over node's base class (`json`, `status`,
 * `cookies`, `params`…), from the most derived class down, onto `target`: HTTP/2
 * handlers get the same API, still from a prototype, with nothing set per request.
 */
function mixin(target: object, Class: Function, base: object, skip: ReadonlySet<string | symbol>): void {
  const chain: object[] = [];
  for (let proto = Class.prototype as object; proto !== base && proto !== null; proto = Object.getPrototypeOf(proto)) {
    chain.push(proto);
  }
  // Base-most first, so a subclass's own helper wins.
  for (const proto of chain.reverse()) {
    for (const key of Reflect.ownKeys(proto)) {
      if (key === "constructor" || skip.has(key)) continue;
      Object.defineProperty(target, key, Object.getOwnPropertyDescriptor(proto, key)!);
    }
  }
}

// These call `super` or node's HTTP/1 internals (its header store, its array form of
// writeHead): HTTP/2 has its own below.
const OWN = new Set<string | symbol>(["end", "endNow", "write", "writeHead", "setHeader", "appendHeader", "typedEnd"]);

/**
 * HTTP/2 request and response classes with the API of `Request` and `Response` (Aex's
 * own, or an app's subclasses of them).
 */
export function http2Classes(Request: typeof AexRequest, Response: typeof AexResponse): Http2Classes {
  class AexHttp2Request extends Http2ServerRequest {
    constructor(...args: ConstructorParameters<typeof Http2ServerRequest>) {
      super(...args);
      // HTTP/2 names the host `:authority`; code written for HTTP/1 reads `Host`.
      if (this.headers.host === undefined && this.authority !== undefined) this.headers.host = this.authority;
    }
  }
  mixin(AexHttp2Request.prototype, Request, IncomingMessage.prototype, new Set());

  class AexHttp2Response extends Http2ServerResponse {
    readonly startedAt: number = Date.now();
    declare private _beforeEnd: (() => unknown)[] | null;
    declare private _ending: boolean;

    // The same as AexResponse's: run `beforeEnd` tasks before anything is sent.
    override end(chunk?: unknown, encoding?: unknown, callback?: unknown): this {
      const tasks = this._beforeEnd;
      this._ending = true;
      if (tasks === null) return this.endNow(chunk, encoding, callback);
      this._beforeEnd = null;
      runBeforeEnd(
        tasks,
        () => this.endNow(chunk, encoding, callback),
        (error) => {
          // Nothing was sent: the app's error path answers (AexResponse.failed, mixed in).
          this._ending = false;
          (this as unknown as AexResponse).failed(error);
        },
      );
      return this;
    }

    // node's `end`; answered, the response leaves the handler timeout's watch (as AexResponse's).
    endNow(chunk: unknown, encoding: unknown, callback: unknown): this {
      const self = this as unknown as AexResponse;
      if (self[SLOT] !== -1) self[WATCHED_BY]?.release(self);
      return super.end(chunk as string, encoding as BufferEncoding, callback as Callback);
    }

    // The app's security headers, set through HTTP/2's own header API before the head goes out.
    override writeHead(statusCode: number, ...rest: unknown[]): this {
      const block = (this as unknown as { securityHeaders: SecurityHeaders | null }).securityHeaders;
      if (block !== null && block !== undefined && !this.headersSent) {
        for (const [lower, name, value] of block.entries) if (!this.hasHeader(lower)) this.setHeader(name, value);
        if (block.hsts !== null && isSecure(this.req) && !this.hasHeader("strict-transport-security")) {
          this.setHeader("Strict-Transport-Security", block.hsts);
        }
      }
      // The request id, echoed with the head as on HTTP/1 (AexResponse.writeHead).
      const idHeader = (this as unknown as { requestIdHeader: string | null }).requestIdHeader;
      const id = (this.req as unknown as { id?: string }).id;
      if (idHeader !== null && id !== undefined && !this.headersSent && !this.hasHeader(idHeader)) {
        this.setHeader(idHeader, id);
      }
      return (super.writeHead as (code: number, ...args: unknown[]) => this)(statusCode, ...rest);
    }

    // `res.json`/`res.send`: the type unless one is set, then the body.
    typedEnd(body: string | Uint8Array, head: { "content-type": string }): void {
      if (!this.hasHeader("content-type")) this.setHeader("Content-Type", head["content-type"]);
      this.end(body);
    }

    // A write after the end is a handler's bug, not a reason to crash: dropped.
    override write(chunk: unknown, encoding?: unknown, callback?: unknown): boolean {
      if (this.writableEnded) return false;
      return super.write(chunk as string, encoding as BufferEncoding, callback as Callback);
    }
  }
  mixin(AexHttp2Response.prototype, Response, ServerResponse.prototype, OWN);

  return {
    Http2ServerRequest: AexHttp2Request,
    Http2ServerResponse: AexHttp2Response as unknown as typeof Http2ServerResponse,
  };
}
