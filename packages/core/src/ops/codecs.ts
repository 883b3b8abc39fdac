import type { Transform } from "node:stream";
import {
  brotliCompress,
  brotliCompressSync,
  constants,
  createBrotliCompress,
  createDeflate,
  createGzip,
  deflate,
  deflateSync,
  gzip,
  gzipSync,
  type BrotliOptions,
  type ZlibOptions,
} from "node:zlib";
import type { Encoding } from "./accept-encoding";

/** Compression levels: gzip/deflate `level`, brotli `brotliQuality`. */
export interface Codecs {
  readonly level: number;
  readonly brotliQuality: number;
}

function brotliOptions(codecs: Codecs, size?: number): BrotliOptions {
  const params: Record<number, number> = {
    [constants.BROTLI_PARAM_QUALITY]: codecs.brotliQuality,
    [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
  };
  if (size !== undefined) params[constants.BROTLI_PARAM_SIZE_HINT] = size;
  return { params };
}

const zlibOptions = (codecs: Codecs): ZlibOptions => ({ level: codecs.level });

/** Compresses a whole body on this thread. */
export function compressSync(coding: Encoding, body: Buffer, codecs: Codecs): Buffer {
  if (coding === "br") return brotliCompressSync(body, brotliOptions(codecs, body.byteLength));
  return coding === "gzip" ? gzipSync(body, zlibOptions(codecs)) : deflateSync(body, zlibOptions(codecs));
}

/** Compresses a whole body on libuv's thread pool. */
export function compressAsync(
  coding: Encoding,
  body: Buffer,
  codecs: Codecs,
  done: (error: Error | null, output: Buffer) => void,
): void {
  if (coding === "br") brotliCompress(body, brotliOptions(codecs, body.byteLength), done);
  else if (coding === "gzip") gzip(body, zlibOptions(codecs), done);
  else deflate(body, zlibOptions(codecs), done);
}

/** A streaming compressor for bodies written piece by piece. */
export function createCompressor(coding: Encoding, codecs: Codecs): Transform {
  if (coding === "br") return createBrotliCompress(brotliOptions(codecs));
  return coding === "gzip" ? createGzip(zlibOptions(codecs)) : createDeflate(zlibOptions(codecs));
}
