/**
 * Compression of answers (br, gzip, deflate) in the response phase: `aex.use(compress())`
 * for every route, `@compress()` for one, `@compress(false)` to leave one out.
 *
 * @module @aex/core/compress
 */
export { compress, type CompressOptions } from "./ops/compression";
export { negotiateEncoding, ENCODINGS, type Encoding } from "./ops/accept-encoding";
export { isCompressible } from "./ops/compressible";
