/** Limits every request-data parser applies; set them with `new Aex({ limits: { … } })`. */
export interface BodyLimits {
  /**
   * Most parameters (`&`-separated pairs) a query string may have (more: 414
   * `AEX_QUERY_TOO_LARGE`, rather than dropping the rest unseen). Default 1 000.
   */
  queryParameters: number;
  /** Deepest nesting of arrays/objects a JSON body may have (deeper: 400). Default 64. */
  jsonDepth: number;
  /** Milliseconds a whole body may take to arrive (longer: 408). Default 30 000; 0 = off. */
  bodyTimeout: number;
  /** Milliseconds a body may go without a byte (longer: 408). Default 10 000; 0 = off. */
  bodyIdleTimeout: number;
  /**
   * After a 413/408, milliseconds Aex keeps reading (and dropping) what the client still
   * sends, so it can read the answer before the socket closes. Default 5 000.
   */
  lingerTimeout: number;
  /** Most bytes read and dropped while lingering; past it the socket closes. Default 64 MiB. */
  drainLimit: number;
}

/** The body limits of an app that sets none (`new Aex({ limits })` changes them). */
export const DEFAULT_BODY_LIMITS: Readonly<BodyLimits> = Object.freeze({
  queryParameters: 1000,
  jsonDepth: 64,
  bodyTimeout: 30_000,
  bodyIdleTimeout: 10_000,
  lingerTimeout: 5_000,
  drainLimit: 64 * 1024 * 1024,
});

export function resolveBodyLimits(given: Partial<BodyLimits> = {}): BodyLimits {
  return { ...DEFAULT_BODY_LIMITS, ...given };
}
