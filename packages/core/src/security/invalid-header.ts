import { HttpError } from "../errors/http-error";

const INVALID = new Set(["ERR_INVALID_CHAR", "ERR_INVALID_HTTP_TOKEN"]);

/**
 * node's error for a header name or value it refuses (CR/LF, control characters) as a
 * 400 `AEX_HEADER_INVALID`: such a value comes from the request (a query value copied
 * into a header), so it is the client's fault, and a 500 would hide that. Other errors
 * pass through unchanged.
 */
export function invalidHeader(error: unknown): unknown {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== "string" || !INVALID.has(code)) return error;
  return new HttpError(400, "A response header would carry an invalid character", {
    code: "AEX_HEADER_INVALID",
    cause: error,
  });
}
