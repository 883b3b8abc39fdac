import { HttpError } from "../errors/http-error";
import type { AexRequest } from "../http/request";
import { bodyStep } from "../parsers/body";
import type { Step } from "../pipeline/types";

/** Options of {@link methodOverride}. */
export interface MethodOverrideOptions {
  /** Methods a POST may become. Default PUT, PATCH and DELETE. */
  methods?: readonly string[];
  /** The header read. Default `X-HTTP-Method-Override`; `false` reads no header. */
  header?: string | false;
  /** The urlencoded body field read. Default `_method`; `false` reads no body. */
  field?: string | false;
}

declare module "../http/request" {
  interface AexRequest {
    /** The method the client sent, when {@link methodOverride} changed `req.method`. */
    originalMethod?: string;
  }
}

const URLENCODED = /^application\/x-www-form-urlencoded\b/i;

/**
 * Lets HTML forms (which only send GET and POST) reach PUT, PATCH and DELETE routes: a POST
 * with `_method=DELETE` in its urlencoded body, or an `X-HTTP-Method-Override: DELETE`
 * header, is routed as a DELETE. Only POST is overridden, only to the allowed methods; any
 * other value answers 400 (`AEX_METHOD_OVERRIDE_INVALID`). Add it with `aex.use` so it runs
 * before routing. A body it parsed is `scope.body` for the route, as `@body()` would give it.
 *
 * @example
 * aex.use(methodOverride());
 * // <form method="post" action="/notes/7"><input type="hidden" name="_method" value="DELETE">
 */
export function methodOverride(options: MethodOverrideOptions = {}): Step {
  const allowed = new Set((options.methods ?? ["PUT", "PATCH", "DELETE"]).map((method) => method.toUpperCase()));
  const header = options.header === false ? false : (options.header ?? "x-http-method-override").toLowerCase();
  const field = options.field === false ? false : (options.field ?? "_method");
  const parse = bodyStep("urlencoded");

  const override = (req: AexRequest, requested: unknown): void => {
    if (typeof requested !== "string" || requested === "") return;
    const method = requested.toUpperCase();
    if (!allowed.has(method)) {
      throw new HttpError(400, `Cannot override POST with ${method.slice(0, 16)}`, {
        code: "AEX_METHOD_OVERRIDE_INVALID",
      });
    }
    req.originalMethod = req.method;
    req.method = method;
  };

  return (req, res, scope) => {
    if (req.method !== "POST") return undefined;
    if (header !== false && req.headers[header] !== undefined) {
      override(req, req.headers[header]);
      return undefined;
    }
    if (field === false || !URLENCODED.test(req.headers["content-type"] ?? "")) return undefined;
    const parsed = parse(req, res, scope) as Promise<void>;
    return parsed.then(() => override(req, (scope.body as Record<string, unknown>)[field]));
  };
}
