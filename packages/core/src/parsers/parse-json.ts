import { HttpError } from "../errors/http-error";
import { DEFAULT_BODY_LIMITS } from "./body-limits";
import { assertJsonDepth } from "./json-depth";
import { stripPrototypeKeys } from "./prototype-keys";

/**
 * Parses untrusted JSON text the way every Aex parser does: nesting deeper than `depth`
 * is refused before parsing (400 `AEX_BODY_TOO_DEEP`), malformed text is a 400
 * `AEX_BODY_INVALID`, and the value goes through {@link stripPrototypeKeys} (walked only
 * when the text could spell a prototype key). A repeated key keeps its last value, as
 * `JSON.parse` does.
 *
 * @example
 * parseJson('{"\\u005f_proto__":{"admin":true},"n":1}'); // { n: 1 }
 * parseJson("[".repeat(65) + "]".repeat(65)); // throws a 400 AEX_BODY_TOO_DEEP
 */
export function parseJson(text: string, depth: number = DEFAULT_BODY_LIMITS.jsonDepth): unknown {
  assertJsonDepth(text, depth);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (cause) {
    throw new HttpError(400, (cause as Error).message, { code: "AEX_BODY_INVALID", cause });
  }
  return stripPrototypeKeys(parsed, text);
}
