import { request as httpRequest, type IncomingHttpHeaders } from "node:http";
import { brotliDecompressSync, gunzipSync, inflateSync } from "node:zlib";

/** A response read as bytes, and its body decoded by its `Content-Encoding`. */
export interface BytesResponse {
  status: number;
  headers: IncomingHttpHeaders;
  /** The bytes as they came over the wire. */
  wire: Buffer;
  /** The body after undoing `Content-Encoding` with node:zlib. */
  body: Buffer;
}

/** Undoes a `Content-Encoding` with node:zlib. */
export function decode(encoding: string | undefined, wire: Buffer): Buffer {
  if (encoding === "gzip") return gunzipSync(wire);
  if (encoding === "br") return brotliDecompressSync(wire);
  if (encoding === "deflate") return inflateSync(wire);
  if (encoding === undefined || encoding === "identity") return wire;
  throw new Error(`unexpected Content-Encoding ${encoding}`);
}

/** Sends one request on a fresh connection; node's client does not decompress, so the wire bytes are kept. */
export function fetchBytes(
  base: string,
  path: string,
  options: { method?: string; headers?: Record<string, string> } = {},
): Promise<BytesResponse> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: url.hostname,
        port: url.port,
        path,
        method: options.method ?? "GET",
        headers: options.headers,
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("error", reject);
        res.on("end", () => {
          try {
            const wire = Buffer.concat(chunks);
            const encoding = res.headers["content-encoding"];
            resolve({ status: res.statusCode ?? 0, headers: res.headers, wire, body: decode(encoding, wire) });
          } catch (error) {
            reject(error);
          }
        });
      },
    );
    req.on("error", reject);
    req.end();
  });
}
