// What Aex sends by default (the helmet level): security-headers.test.ts and the fetch
// transport's tests check answers against the same list.

/** The security headers every answer carries by default, with their values. */
export const HELMET_LEVEL = {
  "x-content-type-options": "nosniff",
  "x-frame-options": "SAMEORIGIN",
  "referrer-policy": "no-referrer",
  "cross-origin-opener-policy": "same-origin",
  "cross-origin-resource-policy": "same-origin",
  "origin-agent-cluster": "?1",
  "x-dns-prefetch-control": "off",
  "x-download-options": "noopen",
  "x-permitted-cross-domain-policies": "none",
  "x-xss-protection": "0",
};

/** The default Content-Security-Policy of a page without a nonce. */
export const STATIC_CSP =
  "default-src 'self'; base-uri 'self'; font-src 'self' https: data:; form-action 'self'; " +
  "frame-ancestors 'self'; img-src 'self' data:; object-src 'none'; script-src 'self'; " +
  "script-src-attr 'none'; style-src 'self' https: 'unsafe-inline'";

/** `headersOf` (lower-case names) has every default security header, and no X-Powered-By. */
export function expectHelmetLevel(headersOf: Record<string, unknown>): void {
  expect(headersOf).toMatchObject(HELMET_LEVEL);
  expect(headersOf["x-powered-by"]).toBeUndefined();
}
