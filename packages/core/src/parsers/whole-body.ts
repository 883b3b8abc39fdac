/**
 * How a transport that receives a small body whole (`aex.fetch`, Bun.serve) hands it to a
 * reader that wants it whole (the JSON reader): one call, without the stream events a node
 * request reads through (fetch/fetch-request.ts).
 */
export const WHOLE_BODY: unique symbol = Symbol("aex.wholeBody");

/** A request whose transport can hand its body over whole (see {@link WHOLE_BODY}). */
export interface WholeBodySource {
  /**
   * The body's bytes, or null when the body is not one to take whole: none, of unknown
   * length, longer than `limit` or than the transport reads at once, or read already.
   */
  [WHOLE_BODY](limit: number): Promise<ArrayBuffer> | null;
}

/** The body of `req` whole, when its transport hands it so (see {@link WHOLE_BODY}). */
export function wholeBodyOf(req: object, limit: number): Promise<ArrayBuffer> | null {
  const take = (req as Partial<WholeBodySource>)[WHOLE_BODY];
  return take === undefined ? null : take.call(req, limit);
}
