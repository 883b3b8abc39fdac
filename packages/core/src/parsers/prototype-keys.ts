/**
 * Whether JSON `text` may hold a key the prototype rule removes: one of the words
 * literally, or a `\u` escape, the only JSON escape that can spell a letter or `_`
 * (`"\u005f_proto__"`). Text with neither cannot, so it is never walked.
 */
export function maySpellPrototypeKey(text: string): boolean {
  return text.includes("__proto__") || text.includes("constructor") || text.includes("\\u");
}

const hasOwn = (value: object, key: string): boolean => Object.prototype.hasOwnProperty.call(value, key);

/**
 * The one rule every parsed input of Aex goes through (JSON and urlencoded bodies, query
 * strings, multipart fields, cookies, WebSocket messages), applied to keys as the parser
 * decoded them, so no escape (`\u005f`, `%5F`) hides one. At any depth, in
 * objects and arrays, it removes:
 *
 * - every `__proto__` key (a merge that copies it sets the target's prototype);
 * - every `constructor` key whose value is an object or an array (a deep merge walks from
 *   a plain target into `Object`: `constructor.prototype` is `Object.prototype`, and
 *   `constructor.keys` would overwrite `Object.keys` for the whole process).
 *
 * A `constructor` key holding a string, number, boolean or null, and every `prototype`
 * key, are data and stay: without an object under `constructor`, a merge never reaches a
 * function whose `prototype` it could change. With `text`, the JSON the value was
 * parsed from, a value whose text cannot spell those keys (`maySpellPrototypeKey`)
 * is returned at once, unwalked. The value is changed in place and returned.
 *
 * @example
 * const body = stripPrototypeKeys(JSON.parse('{"\\u005f_proto__":{"admin":true},"a":1}'));
 * // body is { a: 1 }
 */
export function stripPrototypeKeys<T>(value: T, text?: string): T {
  if (typeof value !== "object" || value === null) return value;
  if (text !== undefined && !maySpellPrototypeKey(text)) return value;
  const stack: object[] = [value];
  // Parsers give trees; a user's value may have cycles, which must not loop forever.
  const seen = new Set<object>();
  while (stack.length > 0) {
    const node = stack.pop() as object;
    if (seen.has(node)) continue;
    seen.add(node);
    if (Array.isArray(node)) {
      for (const item of node) if (typeof item === "object" && item !== null) stack.push(item);
      continue;
    }
    const record = node as Record<string, unknown>;
    if (hasOwn(record, "__proto__")) delete record["__proto__"];
    if (hasOwn(record, "constructor") && typeof record.constructor === "object" && record.constructor !== null) {
      delete record["constructor"];
    }
    for (const key of Object.keys(record)) {
      const child = record[key];
      if (typeof child === "object" && child !== null) stack.push(child);
    }
  }
  return value;
}

/**
 * {@link stripPrototypeKeys} for a flat record of strings (or arrays of strings): a query,
 * cookies, multipart fields. With no object values, only a `__proto__` key can matter,
 * so one own-key check does the walk's work, on every request at no cost.
 */
export function stripFlatPrototypeKey<T extends object>(record: T): T {
  if (hasOwn(record, "__proto__")) delete (record as Record<string, unknown>)["__proto__"];
  return record;
}
