import { createHash, timingSafeEqual } from "node:crypto";
import { AexError, HttpError, type AexRequest } from "@aex/core";
import { decoratorStep, guardLog, isPromise, type DecoratorStep } from "@aex/core/plugin";

/** Options of {@link apiKey}: the accepted `keys`, or a `verify` function, or both. */
export interface ApiKeyOptions {
  /** The header carrying the key. Default `X-API-Key`. */
  header?: string;
  /** Accepted keys, compared in constant time. */
  keys?: readonly string[];
  /** Your own check (a database look-up…); compare with `safeEqual` if you compare strings. */
  verify?: (key: string, req: AexRequest) => boolean | Promise<boolean>;
}

/** Keys longer than this are refused before any comparison. */
const MAX_KEY_LENGTH = 1024;

function digest(value: string): Buffer {
  return createHash("sha256").update(value).digest();
}

/**
 * Requires an API key in a header. Keys are compared as SHA-256 digests with
 * `timingSafeEqual`, against every accepted key, so timing tells nothing about which
 * key nearly matched. Missing: 401 `AEX_API_KEY_MISSING`; wrong: 401 `AEX_API_KEY_INVALID`.
 *
 * @example
 * class Reports {
 *   @get("/reports")
 *   @apiKey({ keys: [process.env.REPORTS_KEY!] })
 *   list(req, res) { res.json([]); }
 * }
 */
export function apiKey(options: ApiKeyOptions): DecoratorStep {
  const header = (options?.header ?? "X-API-Key").toLowerCase();
  const { keys, verify } = options ?? {};
  if (keys === undefined && verify === undefined)
    throw new AexError("AEX_ERR_GUARD_OPTIONS", "apiKey needs keys or verify");
  if (keys !== undefined && (!Array.isArray(keys) || keys.some((key) => typeof key !== "string" || key.length < 16))) {
    throw new AexError("AEX_ERR_GUARD_OPTIONS", "apiKey keys must be strings of at least 16 characters");
  }
  const digests = (keys ?? []).map(digest);

  function known(key: string): boolean {
    const candidate = digest(key);
    let found = false;
    for (const accepted of digests) found = timingSafeEqual(candidate, accepted) || found;
    return found;
  }

  function refuse(req: AexRequest): never {
    guardLog("apiKey: %s %s refused", req.method, req.url);
    throw new HttpError(401, "The API key is not valid", { code: "AEX_API_KEY_INVALID" });
  }

  return decoratorStep(
    "apiKey",
    // Synchronous unless `verify` answers with a promise: a key on every route must not make
    // every line asynchronous.
    (req) => {
      const raw = req.headers[header];
      const key = Array.isArray(raw) ? raw[0] : raw;
      if (key === undefined || key === "") {
        throw new HttpError(401, "An API key is required", { code: "AEX_API_KEY_MISSING" });
      }
      if (key.length > MAX_KEY_LENGTH) return refuse(req);
      if (known(key)) return undefined;
      if (verify === undefined) return refuse(req);
      const verdict = verify(key, req);
      if (!isPromise(verdict)) return verdict ? undefined : refuse(req);
      return Promise.resolve(verdict).then((ok) => (ok ? undefined : refuse(req)));
    },
    {
      security: [
        {
          name: header === "x-api-key" ? "apiKey" : `apiKey_${header}`,
          scheme: { type: "apiKey", in: "header", name: options.header ?? "X-API-Key" },
        },
      ],
      responses: { "401": "The API key is missing or unknown" },
    },
  );
}
