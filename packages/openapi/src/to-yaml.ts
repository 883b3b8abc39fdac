/** A plain key YAML reads as a string without quotes. */
const PLAIN = /^[A-Za-z_][A-Za-z0-9_.\-/]*$/;
const RESERVED = /^(?:true|false|null|yes|no|on|off|y|n|~)$/i;

function scalar(value: unknown): string {
  if (typeof value === "string") return PLAIN.test(value) && !RESERVED.test(value) ? value : JSON.stringify(value);
  return JSON.stringify(value ?? null);
}

function emit(value: unknown, indent: string): string {
  if (Array.isArray(value)) {
    if (value.length === 0) return " []";
    return value.map((v) => `\n${indent}-${emit(v, indent + "  ").replace(/^\n\s*/, " ")}`).join("");
  }
  if (typeof value === "object" && value !== null) {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    if (entries.length === 0) return " {}";
    return entries.map(([k, v]) => `\n${indent}${scalar(k)}:${emit(v, indent + "  ")}`).join("");
  }
  return ` ${scalar(value)}`;
}

/**
 * A JSON value as block YAML (strings quoted JSON-style when they need it, which YAML
 * reads the same). Enough for OpenAPI documents; not a general YAML writer.
 *
 * @example
 * toYaml({ openapi: "3.1.0", tags: [{ name: "Notes" }] }); // "openapi: \"3.1.0\"\ntags:\n  - name: Notes\n"
 */
export function toYaml(value: unknown): string {
  return `${emit(value, "").replace(/^\n/, "")}\n`;
}
