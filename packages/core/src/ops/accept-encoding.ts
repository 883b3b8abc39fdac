import { weightOf } from "../http/negotiate";

/** A content coding Aex can produce. */
export type Encoding = "br" | "gzip" | "deflate";

/** The codings Aex produces, in the order it prefers them when the client ranks them equal. */
export const ENCODINGS: readonly Encoding[] = ["br", "gzip", "deflate"];

// Clients send few distinct Accept-Encoding values (one per browser family): after the
// first request of each, negotiation is a map lookup. The bound keeps hostile values out.
const MAX_CACHED = 256;
const caches = new WeakMap<readonly Encoding[], Map<string, Encoding | null>>();

/**
 * The coding to answer with for an `Accept-Encoding` header, by its q-values
 * (RFC 9110 §12.5.3): the highest-ranked of `supported`, ties going to the order of
 * `supported`; `null` when none is acceptable (the body goes out as is).
 *
 * @example
 * negotiateEncoding("gzip;q=0.8, br"); // "br"
 * negotiateEncoding("gzip, br;q=0");   // "gzip"
 * negotiateEncoding("identity");       // null
 */
export function negotiateEncoding(header: string, supported: readonly Encoding[] = ENCODINGS): Encoding | null {
  let cache = caches.get(supported);
  if (cache === undefined) caches.set(supported, (cache = new Map()));
  const cached = cache.get(header);
  if (cached !== undefined) return cached;
  const chosen = choose(header, supported);
  if (cache.size >= MAX_CACHED) cache.clear();
  cache.set(header, chosen);
  return chosen;
}

function choose(header: string, supported: readonly Encoding[]): Encoding | null {
  const ranks = new Map<string, number>();
  for (const part of header.split(",")) {
    const [rawName, ...params] = part.split(";");
    const name = rawName.trim().toLowerCase();
    if (name === "") continue;
    // x-gzip is gzip's old name (RFC 9110 §8.4.1.3).
    ranks.set(name === "x-gzip" ? "gzip" : name, weightOf(params));
  }
  const any = ranks.get("*") ?? 0;
  let best: Encoding | null = null;
  let bestQ = 0;
  for (const encoding of supported) {
    const q = ranks.get(encoding) ?? any;
    if (q > bestQ) {
      best = encoding;
      bestQ = q;
    }
  }
  return best;
}
