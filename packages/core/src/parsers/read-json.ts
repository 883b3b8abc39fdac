import parseBytes from "bytes";
import { HttpError } from "../errors/http-error";
import type { AexRequest } from "../http/request";
import { looksPolluting, stripPrototypeKeys } from "./sanitize";

/** The `Content-Type`s the fast path takes: JSON in UTF-8, with no other parameter. */
const PLAIN_JSON = /^application\/(?:[\w.+-]+\+)?json\s*(?:;\s*charset=["']?utf-8["']?\s*)?$/i;

/**
 * Whether a request can skip body-parser: plain UTF-8 JSON, not compressed. Anything
 * else (other charsets, gzip, custom `type` options) goes through body-parser.
 */
export function isPlainJson(req: AexRequest): boolean {
  const encoding = req.headers["content-encoding"];
  return (encoding === undefined || encoding === "identity") && PLAIN_JSON.test(req.headers["content-type"] ?? "");
}

const tooLarge = (limit: number) =>
  new HttpError(413, `request entity too large (limit ${limit} bytes)`, {
    code: "AEX_BODY_TOO_LARGE",
    headers: { Connection: "close" },
  });

/** The byte limit of body-parser's `limit` option (a number, or a string like "100kb"). */
export function limitOf(limit: number | string | undefined): number {
  return typeof limit === "number" ? limit : (parseBytes.parse(limit ?? "100kb") ?? 102_400);
}

/** The first character that is not JSON whitespace, or "" for none. */
function firstToken(text: string): string {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code !== 32 && code !== 10 && code !== 13 && code !== 9) return text[i];
  }
  return "";
}

/** Parses a whole body with body-parser's rules; throws an HttpError for bad JSON. */
function parseJson(buffer: Buffer, strict: boolean): unknown {
  const text = buffer.toString("utf8");
  const first = firstToken(text);
  if (first === "") return {};
  if (strict && first !== "{" && first !== "[") {
    throw new HttpError(400, `Unexpected token ${first} in JSON`, { code: "AEX_BODY_INVALID" });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (cause) {
    throw new HttpError(400, (cause as Error).message, { code: "AEX_BODY_INVALID", cause });
  }
  return looksPolluting(text) ? stripPrototypeKeys(parsed) : parsed;
}

/**
 * Reads and parses a plain JSON body with body-parser's rules (empty is `{}`; in strict
 * mode only objects and arrays), answering 413 past `limit` and 400 for malformed JSON.
 * About twice body-parser's speed for small bodies (measured with `pnpm bench`): it does
 * no charset, inflate or type negotiation, which `isPlainJson` has ruled out.
 */
export function readJson(req: AexRequest, limit: number, strict: boolean): Promise<unknown> {
  if (Number(req.headers["content-length"]) > limit) {
    req.resume();
    return Promise.reject(tooLarge(limit));
  }
  return new Promise((resolve, reject) => {
    let first: Buffer | null = null;
    let more: Buffer[] | null = null;
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.off("data", onData);
        req.resume();
        reject(tooLarge(limit));
      } else if (first === null) first = chunk;
      else (more ??= [first]).push(chunk);
    };
    req.on("data", onData);
    req.on("error", (cause) => reject(new HttpError(400, "request aborted", { code: "AEX_BODY_ABORTED", cause })));
    req.on("end", () => {
      if (size > limit) return;
      try {
        resolve(parseJson(more !== null ? Buffer.concat(more) : (first ?? Buffer.alloc(0)), strict));
      } catch (error) {
        reject(error);
      }
    });
  });
}
