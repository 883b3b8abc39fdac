/**
 * CORS: `aex.use(cors(options))` answers preflights and adds the CORS headers.
 *
 * @module @aex/core/cors
 */
export { cors, type CorsOptions, type CorsOrigin } from "./helpers/cors";
