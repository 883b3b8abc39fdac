import { IncomingMessage, ServerResponse } from "node:http";
import { Http2ServerRequest, Http2ServerResponse } from "node:http2";
import { CONTINUE, type AexRequest } from "../http/request";
import type { AexResponse } from "../http/response";
import type { SecurityHeaders } from "../security/headers";
import { isSecure } from "../security/is-secure";
import { invalidHeader } from "../security/invalid-header";
import { copyHelpers } from "../helpers/copy-helpers";

/** The request and response classes an HTTP/2 stream is served with. */
export interface Http2Classes {
  /** The app's request class for HTTP/2 streams, with the helpers of its `AexRequest`. */
  readonly Http2ServerRequest: typeof Http2ServerRequest;
  /** The app's response class for HTTP/2 streams, with the helpers of its `AexResponse`. */
  readonly Http2ServerResponse: typeof Http2ServerResponse;
}

type Callback = () => void;

/** What a transport class defines itself: kept over the helpers copied onto it. */
const ownKeys = (proto: object): ReadonlySet<PropertyKey> => new Set(Reflect.ownKeys(proto));

/**
 * HTTP/2 request and response classes with the API of `Request` and `Response` (Aex's
 * own, or an app's subclasses of them). The response defines what differs between the
 * transports (how a head, a chunk and the end go out); everything else, the response phase
 * included, is `Response`'s.
 */
export function http2Classes(Request: typeof AexRequest, Response: typeof AexResponse): Http2Classes {
  class AexHttp2Request extends Http2ServerRequest {
    constructor(...args: ConstructorParameters<typeof Http2ServerRequest>) {
      super(...args);
      // HTTP/2 names the host `:authority`; code written for HTTP/1 reads `Host`.
      if (this.headers.host === undefined && this.authority !== undefined) this.headers.host = this.authority;
    }

    // AexRequest's: `100 Continue` when the body is first read; then HTTP/2's own read.
    override _read(size: number): void {
      const self = this as unknown as AexRequest;
      const res = self[CONTINUE];
      if (res !== null) {
        self[CONTINUE] = null;
        if (!res.headersSent) res.writeContinue();
      }
      super._read(size);
    }
  }
  copyHelpers(AexHttp2Request.prototype, Request, IncomingMessage.prototype, ownKeys(AexHttp2Request.prototype));

  class AexHttp2Response extends Http2ServerResponse {
    readonly startedAt: number = Date.now();

    /** The one way a head goes out over HTTP/2: the app's security headers and the request id, set through HTTP/2's own header API. */
    sendHead(statusCode: number, ...rest: unknown[]): this {
      const block = (this as unknown as { securityHeaders: SecurityHeaders | null }).securityHeaders;
      try {
        if (block !== null && block !== undefined && !this.headersSent) {
          for (const [lower, name, value] of block.entries) if (!this.hasHeader(lower)) this.setHeader(name, value);
          if (block.hsts !== null && isSecure(this.req) && !this.hasHeader("strict-transport-security")) {
            this.setHeader("Strict-Transport-Security", block.hsts);
          }
        }
        const idHeader = (this as unknown as { requestIdHeader: string | null }).requestIdHeader;
        const id = (this.req as unknown as { id?: string }).id;
        if (idHeader !== null && id !== undefined && !this.headersSent && !this.hasHeader(idHeader)) {
          this.setHeader(idHeader, id);
        }
        return (super.writeHead as (code: number, ...args: unknown[]) => this)(statusCode, ...rest);
      } catch (error) {
        throw invalidHeader(error);
      }
    }

    rawWrite(chunk: unknown, encoding?: unknown, callback?: unknown): boolean {
      return super.write(chunk as string, encoding as BufferEncoding, callback as Callback);
    }

    rawEnd(chunk?: unknown, encoding?: unknown, callback?: unknown): this {
      return super.end(chunk as string, encoding as BufferEncoding, callback as Callback);
    }

    rawFlushHeaders(): void {
      (Http2ServerResponse.prototype as unknown as { flushHeaders(this: unknown): void }).flushHeaders.call(this);
    }

    // `res.json`/`res.send`: the type unless one is set, then the body (node's HTTP/1 array
    // form of a head has no HTTP/2 counterpart).
    typedEnd(body: string | Uint8Array, head: { "content-type": string }): void {
      if (!this.hasHeader("content-type")) this.setHeader("Content-Type", head["content-type"]);
      (this as unknown as AexResponse).end(body);
    }

    // A header value with CR/LF is a 400 (AEX_HEADER_INVALID), as over HTTP/1.
    override setHeader(name: string, value: number | string | readonly string[]): this {
      try {
        super.setHeader(name, value);
        return this;
      } catch (error) {
        throw invalidHeader(error);
      }
    }

    override appendHeader(name: string, value: string | readonly string[]): this {
      try {
        super.appendHeader(name, value as string | string[]);
        return this;
      } catch (error) {
        throw invalidHeader(error);
      }
    }
  }
  copyHelpers(AexHttp2Response.prototype, Response, ServerResponse.prototype, ownKeys(AexHttp2Response.prototype));

  return {
    Http2ServerRequest: AexHttp2Request,
    Http2ServerResponse: AexHttp2Response as unknown as typeof Http2ServerResponse,
  };
}
