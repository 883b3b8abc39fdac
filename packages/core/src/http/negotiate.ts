/** The quality (q) a media range gives, or -1 when the range does not match. */
function quality(range: string, type: string, subtypes: readonly string[]): { q: number; specificity: number } | null {
  const [media, ...params] = range.split(";");
  const name = media.trim().toLowerCase();
  let specificity: number;
  if (name === "*/*") specificity = 0;
  else if (name === `${type}/*`) specificity = 1;
  else if (subtypes.includes(name)) specificity = 2;
  else return null;
  return { q: weightOf(params), specificity };
}

// RFC 9110 §12.4.2: qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] ).
const QVALUE = /^(?:0(?:\.\d{0,3})?|1(?:\.0{0,3})?)$/;

/**
 * The weight of one element of an `Accept`-style list, from its parameters (the text
 * after each `;`): its first `q`, whose name is case-insensitive (`Q=0.1` is `q=0.1`,
 * RFC 9110 §12.4.2); 1 without one. A malformed or out-of-range weight (`q=2`, `q=abc`,
 * `q=0.0001`) is 0: a value no client should send never wins a negotiation.
 *
 * @example
 * weightOf(["q=0.5"]); // 0.5
 * weightOf([" Q=0.1"]); // 0.1
 * weightOf(["q=2"]); // 0
 */
export function weightOf(params: readonly string[]): number {
  for (const param of params) {
    const eq = param.indexOf("=");
    if (eq === -1 || param.slice(0, eq).trim().toLowerCase() !== "q") continue;
    const value = param.slice(eq + 1).trim();
    return QVALUE.test(value) ? Number(value) : 0;
  }
  return 1;
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
