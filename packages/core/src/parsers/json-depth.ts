import { HttpError } from "../errors/http-error";

/**
 * Throws a 400 (`AEX_BODY_TOO_DEEP`) when JSON `text` nests arrays/objects deeper than
 * `max`. It scans the text before parsing, so no parser or later walk of the value can
 * overflow the stack on a hostile body.
 */
export function assertJsonDepth(text: string, max: number): void {
  // Fewer brackets than the limit cannot nest past it: most bodies stop here, the short
  // ones at once, the others after counting brackets with indexOf (native), not char by char.
  if (text.length <= max || openingsAtMost(text, max)) return;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (inString) {
      if (code === 92 /* \ */) i++;
      else if (code === 34 /* " */) inString = false;
    } else if (code === 34) inString = true;
    else if (code === 123 /* { */ || code === 91 /* [ */) {
      if (++depth > max) {
        throw new HttpError(400, `JSON nested deeper than ${max} levels`, { code: "AEX_BODY_TOO_DEEP" });
      }
    } else if (code === 125 /* } */ || code === 93 /* ] */) depth--;
  }
}

/** Whether `text` has at most `max` `{` and `[` in all (in strings too: that only over-counts). */
function openingsAtMost(text: string, max: number): boolean {
  let n = 0;
  for (let i = text.indexOf("{"); i !== -1; i = text.indexOf("{", i + 1)) if (++n > max) return false;
  for (let i = text.indexOf("["); i !== -1; i = text.indexOf("[", i + 1)) if (++n > max) return false;
  return true;
}
