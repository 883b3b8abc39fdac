/** Bytes that must appear in a payload before it can carry a prototype-polluting key. */
const SUSPICIOUS = ["__proto__", "constructor", "prototype"];

/** A cheap scan of the raw body: only suspicious payloads are walked afterwards. */
export function looksPolluting(raw: Buffer | string): boolean {
  for (const word of SUSPICIOUS) if (raw.includes(word)) return true;
  return false;
}

/**
 * Removes `__proto__` keys and `constructor.prototype` pairs, at any depth, from a parsed
 * body, so no later merge of it can reach a prototype.
 */
export function stripPrototypeKeys<T>(value: T): T {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const node = stack.pop();
    if (typeof node !== "object" || node === null) continue;
    const record = node as Record<string, unknown>;
    if (Object.prototype.hasOwnProperty.call(record, "__proto__")) delete record["__proto__"];
    const ctor = Object.prototype.hasOwnProperty.call(record, "constructor") ? record.constructor : undefined;
    if (typeof ctor === "object" && ctor !== null && "prototype" in ctor) Reflect.deleteProperty(record, "constructor");
    for (const key of Object.keys(record)) stack.push(record[key]);
  }
  return value;
}
