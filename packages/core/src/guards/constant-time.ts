import { createHash, timingSafeEqual } from "node:crypto";

/**
 * True when `a` and `b` are the same string, in a time that depends on neither: both are
 * hashed first, so neither their content nor their lengths leak through timing.
 *
 * @example
 * if (!safeEqual(req.get("x-api-key") ?? "", expected)) throw new HttpError(401);
 */
export function safeEqual(a: string, b: string): boolean {
  const ha = createHash("sha256").update(a).digest();
  const hb = createHash("sha256").update(b).digest();
  return timingSafeEqual(ha, hb) && a.length === b.length;
}
