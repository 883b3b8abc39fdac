import { HttpError } from "../errors/http-error";
import type { AexRequest } from "../http/request";

/** The media types each `@body` type parses when its `type` option is not set. */
export const BODY_MEDIA_TYPES = {
  json: ["application/json", "application/*+json"],
  urlencoded: ["application/x-www-form-urlencoded"],
  text: ["text/plain"],
  raw: ["application/octet-stream"],
} as const;

const TOKEN = "[!#$%&'*+.^_`|~0-9A-Za-z-]+";
const TYPE = new RegExp(`^[ \\t]*(${TOKEN})/(${TOKEN})[ \\t]*`, "y");
const PARAMETER = new RegExp(`;[ \\t]*(?:(${TOKEN})=(${TOKEN}|"(?:[^"\\\\]|\\\\.)*"))?[ \\t]*`, "y");

/**
 * Whether a `Content-Type` value is one media type in RFC 9110 §8.3.1's grammar, with no
 * parameter given twice. Parsers disagree on the rest (busboy reads the first of two
 * `boundary` parameters, other parsers and proxies the last; body-parser reads
 * `charset=utf-8; charset=utf-16` as no charset at all), and a body one hop reads another
 * way than the next is how requests get smuggled past a check.
 */
export function isWellFormedMediaType(value: string): boolean {
  TYPE.lastIndex = 0;
  if (!TYPE.test(value)) return false;
  const seen = new Set<string>();
  PARAMETER.lastIndex = TYPE.lastIndex;
  while (PARAMETER.lastIndex < value.length) {
    const at = PARAMETER.lastIndex;
    const match = PARAMETER.exec(value);
    if (match === null || PARAMETER.lastIndex === at) return false;
    const name = match[1]?.toLowerCase();
    if (name !== undefined) {
      if (seen.has(name)) return false;
      seen.add(name);
    }
  }
  return true;
}

/** The 400 of a `Content-Type` that {@link isWellFormedMediaType} refuses. */
export function malformedType(code: string): HttpError {
  return new HttpError(400, "The Content-Type header is malformed or gives a parameter twice", {
    code,
    headers: { Connection: "close" },
  });
}

/**
 * Whether the request carries body bytes: a `Transfer-Encoding`, or a `Content-Length`
 * above 0. (type-is counts `Content-Length: 0` as a body; an empty body is no body here.)
 */
export function hasContent(req: AexRequest): boolean {
  const length = req.headers["content-length"];
  return req.headers["transfer-encoding"] !== undefined || (length !== undefined && Number(length) > 0);
}

/** The names of the types a route accepts, for the 415's message and `Accept-Post`. */
export function acceptedTypes(option: unknown, defaults: readonly string[]): readonly string[] {
  if (option === undefined) return defaults;
  if (typeof option === "string") return [option];
  if (Array.isArray(option) && option.every((type) => typeof type === "string")) return option;
  return [];
}

/**
 * The 415 of a body whose media type the route does not parse (RFC 9110 §15.5.16), or
 * that came without a `Content-Type`. `details.accepted` lists the types the route takes,
 * as does `Accept-Post` (or `Accept-Patch`, RFC 5789) for POST and PATCH. The connection
 * closes after it: the body is never read.
 */
export function unsupportedType(req: AexRequest, accepted: readonly string[]): HttpError {
  const sent = (req.headers["content-type"] ?? "").split(";")[0].trim().slice(0, 100);
  const what = sent === "" ? "A body without a Content-Type" : `The media type ${sent}`;
  const takes = accepted.length > 0 ? accepted.join(", ") : "only what its `type` option accepts";
  const headers: Record<string, string> = { Connection: "close" };
  const list = accepted.join(", ");
  if (list !== "" && req.method === "POST") headers["Accept-Post"] = list;
  if (list !== "" && req.method === "PATCH") headers["Accept-Patch"] = list;
  return new HttpError(415, `${what} is not supported here; this route takes ${takes}`, {
    code: "AEX_BODY_UNSUPPORTED_TYPE",
    headers,
    details: { accepted },
  });
}
