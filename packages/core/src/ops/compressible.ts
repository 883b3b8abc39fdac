// Text-like types gain from compression; images, audio, video, archives and fonts other
// than the uncompressed ones are compressed already (an allowlist: unknown types are left
// alone). text/event-stream is excluded: buffering would hold back its events.
const COMPRESSIBLE =
  /^\s*(?:text\/(?!event-stream\b)[^;\s]+|application\/(?:json|javascript|ecmascript|xml|xhtml\+xml|rss\+xml|atom\+xml|x-javascript|x-www-form-urlencoded|wasm|graphql|x-ndjson|ld\+json|manifest\+json|problem\+json|problem\+xml|vnd\.api\+json|x-sh|x-tar|rtf|postscript)|image\/(?:svg\+xml|bmp|x-icon|vnd\.microsoft\.icon)|font\/(?:otf|ttf)|[^;\s/]+\/[^;\s]+\+(?:json|xml|yaml|text))\s*(?:;|$)/i;

const MAX_CACHED = 256;
const cache = new Map<string, boolean>();

/**
 * Whether a `Content-Type` is worth compressing: text, JSON, JavaScript, XML, SVG… but
 * never images, video, audio, archives, PDF or woff fonts, which are compressed already.
 *
 * @example
 * isCompressible("application/json; charset=utf-8"); // true
 * isCompressible("image/png");                       // false
 */
export function isCompressible(contentType: string): boolean {
  let answer = cache.get(contentType);
  if (answer === undefined) {
    answer = COMPRESSIBLE.test(contentType);
    if (cache.size >= MAX_CACHED) cache.clear();
    cache.set(contentType, answer);
  }
  return answer;
}
