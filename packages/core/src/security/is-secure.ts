import { forwardedProtocol, socketIsTls, type RequestHead, type TrustFunction } from "./trust-proxy";

/** A request carrying its app's compiled `trustProxy` (on the prototype of `AexRequest` and its HTTP/2 twin). */
type RequestWithTrust = RequestHead & { readonly trustProxy?: TrustFunction | null };

/**
 * Whether `req` came over HTTPS: a trusted proxy's word when the socket's peer is one
 * (`X-Forwarded-Proto`, else `Forwarded: proto=`; `new Aex({ trustProxy })`), else TLS on
 * the socket. The one answer Aex uses everywhere: `req.protocol`/`req.secure`, HSTS
 * (HTTP/1 and HTTP/2), the `Secure` flag of the session and CSRF cookies, and the origin
 * `csrf()` compares `Origin` with.
 *
 * @example
 * aex.use((req, res) => {
 *   if (isSecure(req)) return;
 *   res.redirect(308, `https://${req.hostname}${req.url}`);
 *   return false;
 * });
 */
export function isSecure(req: RequestWithTrust): boolean {
  const said = forwardedProtocol(req, req.trustProxy ?? null);
  return said === undefined ? socketIsTls(req) : said === "https";
}
