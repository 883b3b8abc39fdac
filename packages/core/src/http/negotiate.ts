/** The quality (q) a media range gives, or -1 when the range does not match. */
function quality(range: string, type: string, subtypes: readonly string[]): { q: number; specificity: number } | null {
  const [media, ...params] = range.split(";");
  const name = media.trim().toLowerCase();
  let specificity: number;
  if (name === "*/*") specificity = 0;
  else if (name === `${type}/*`) specificity = 1;
  else if (subtypes.includes(name)) specificity = 2;
  else return null;
  let q = 1;
  for (const param of params) {
    const [key, value] = param.split("=");
    if (key.trim() === "q") q = Number(value) || 0;
  }
  return { q, specificity };
}

/** The q of the most specific range of `accept` that matches (RFC 9110 §12.5.1). */
function qualityOf(ranges: readonly string[], type: string, subtypes: readonly string[]): number {
  let best: { q: number; specificity: number } | null = null;
  for (const range of ranges) {
    const match = quality(range, type, subtypes);
    if (match !== null && (best === null || match.specificity > best.specificity)) best = match;
  }
  return best?.q ?? 0;
}

const HTML = ["text/html"];
const JSON_TYPES = ["application/json", "application/problem+json"];

/**
 * Whether a client prefers HTML to JSON for an error: true for browsers navigating
 * (`text/html` ranked above JSON), false for API clients, `*\/*` and no `Accept`. A tie
 * goes to JSON.
 *
 * @example
 * prefersHtml("text/html,application/xhtml+xml,*\/*;q=0.8"); // true
 * prefersHtml("application/json"); // false
 */
export function prefersHtml(accept: string | undefined): boolean {
  if (accept === undefined || !accept.includes("html")) return false;
  const ranges = accept.split(",");
  return qualityOf(ranges, "text", HTML) > qualityOf(ranges, "application", JSON_TYPES);
}
