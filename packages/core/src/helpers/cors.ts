import type { AexRequest } from "../http/request";
import type { AexResponse } from "../http/response";
import { isPromise } from "../pipeline/is-promise";
import type { Step } from "../pipeline/types";

/** Which origins may read responses. */
export type CorsOrigin =
  | "*"
  | true
  | string
  | RegExp
  | readonly (string | RegExp)[]
  | ((origin: string, req: AexRequest) => boolean | string | Promise<boolean | string>);

/** Options of {@link cors}, as in the Harpia seed's CORS section. */
export interface CorsOptions {
  /**
   * `"*"` (default) for any origin without credentials; a string, RegExp or list of
   * them; a function deciding per request; `true` to reflect the request's origin
   * (think twice before combining that with `credentials`).
   */
  origin?: CorsOrigin;
  /** Allowed methods for preflights. Default GET, HEAD, PUT, PATCH, POST, DELETE. */
  methods?: readonly string[];
  /** Allowed request headers; default: those the preflight asks for. */
  allowedHeaders?: readonly string[];
  /** Response headers the browser may read. */
  exposedHeaders?: readonly string[];
  /** Send `Access-Control-Allow-Credentials: true`. */
  credentials?: boolean;
  /** Seconds a browser may cache the preflight. */
  maxAge?: number;
  /** Status of an answered preflight. Default 204. */
  optionsSuccessStatus?: number;
}

const DEFAULT_METHODS = ["GET", "HEAD", "PUT", "PATCH", "POST", "DELETE"];

function matches(origin: string, allowed: string | RegExp): boolean {
  return typeof allowed === "string" ? allowed === origin : allowed.test(origin);
}

/** The header value a function's verdict on `origin` gives, or null when it refuses. */
const verdictOf = (origin: string, verdict: boolean | string): string | null =>
  verdict === true ? origin : typeof verdict === "string" && verdict !== "" ? verdict : null;

/**
 * The value of `Access-Control-Allow-Origin` for `origin`, or null when not allowed; a
 * promise only when a function option answers with one.
 */
function allowOrigin(
  option: CorsOrigin,
  origin: string | undefined,
  req: AexRequest,
): string | null | Promise<string | null> {
  if (option === "*") return "*";
  if (origin === undefined) return null;
  if (option === true) return origin;
  if (typeof option === "function") {
    const verdict = option(origin, req);
    return isPromise(verdict)
      ? Promise.resolve(verdict).then((given) => verdictOf(origin, given))
      : verdictOf(origin, verdict);
  }
  const list: readonly (string | RegExp)[] = typeof option === "string" || option instanceof RegExp ? [option] : option;
  return list.some((allowed) => matches(origin, allowed)) ? origin : null;
}

/**
 * A CORS step for `aex.use`, a router's middlewares or `@inject`. It answers preflights
 * (`OPTIONS` with `Access-Control-Request-Method`) itself, with 204, and adds the CORS
 * headers to other responses. With `origin: "*"` and `credentials: true` the browser
 * is sent `*`, which it refuses for credentialed requests: an arbitrary origin is only
 * reflected when you ask for it (`origin: true` or a function).
 *
 * @example
 * aex.use(cors({ origin: ["https://app.example", /\.example\.org$/], credentials: true, maxAge: 600 }));
 */
export function cors(options: CorsOptions = {}): Step {
  const origin = options.origin ?? "*";
  const methods = (options.methods ?? DEFAULT_METHODS).join(",");
  const allowedHeaders = options.allowedHeaders?.join(",");
  const exposedHeaders = options.exposedHeaders?.join(",");
  const maxAge = options.maxAge === undefined ? undefined : String(options.maxAge);
  const preflightStatus = options.optionsSuccessStatus ?? 204;
  const varies = origin !== "*";

  /** Sets the CORS headers for `allowed`, and answers a preflight (false: the line ends). */
  const answer = (allowed: string | null, req: AexRequest, res: AexResponse): false | undefined => {
    if (varies) res.appendHeader("Vary", "Origin");
    const preflight = req.method === "OPTIONS" && req.headers["access-control-request-method"] !== undefined;
    if (allowed !== null) {
      res.setHeader("Access-Control-Allow-Origin", allowed);
      if (options.credentials) res.setHeader("Access-Control-Allow-Credentials", "true");
      if (exposedHeaders && !preflight) res.setHeader("Access-Control-Expose-Headers", exposedHeaders);
    }
    if (!preflight) return undefined;
    if (allowed !== null) {
      res.setHeader("Access-Control-Allow-Methods", methods);
      const headers = allowedHeaders ?? req.headers["access-control-request-headers"];
      if (headers) {
        res.setHeader("Access-Control-Allow-Headers", headers);
        if (allowedHeaders === undefined) res.appendHeader("Vary", "Access-Control-Request-Headers");
      }
      if (maxAge !== undefined) res.setHeader("Access-Control-Max-Age", maxAge);
    }
    res.statusCode = preflightStatus;
    res.setHeader("Content-Length", "0");
    res.end();
    return false;
  };
  // Synchronous unless a function option answers with a promise: a CORS step on every route
  // must not make every line asynchronous.
  return (req, res) => {
    const allowed = allowOrigin(origin, req.headers.origin, req);
    return isPromise(allowed)
      ? Promise.resolve(allowed).then((given) => answer(given, req, res))
      : answer(allowed, req, res);
  };
}
