import { codePoints, STRING_CAP } from "./compile-rules";
import type { FilterRule, FilterRules } from "./filter-rule";
import { INVALID, TYPE_CHECKS } from "./type-checks";

/** An object's kept values if it obeys the rule set, else {@link INVALID} (which rule broke is not said). */
export type ValidCheck = (data: Record<string, unknown>) => unknown;

/**
 * The source of one generated function, and the values it reads by index (`c[3]`): type
 * checks, sets, patterns. Rule data never becomes code: names are written with
 * `JSON.stringify` (a string literal), numbers with `String` of a checked number.
 */
class Source {
  readonly constants: unknown[] = [];
  private readonly lines: string[] = [];
  private names = 0;

  add(line: string): void {
    this.lines.push(line);
  }

  constant(value: unknown): string {
    this.constants.push(value);
    return `c[${this.constants.length - 1}]`;
  }

  /** A fresh variable name. */
  fresh(prefix: string): string {
    return `${prefix}${++this.names}`;
  }

  text(): string {
    return this.lines.join("\n");
  }
}

/** A number as code; anything else is refused even if a rule changed after it was checked. */
function literal(n: number): string {
  if (typeof n !== "number" || Number.isNaN(n)) throw new TypeError("@filter: a bound must be a number");
  return `(${String(n)})`;
}
const key = (name: string): string => `[${JSON.stringify(name)}]`;

/** Returns INVALID when string `k` is shorter or longer than the rule allows (code points, as compile-rules counts). */
function lengths(src: Source, rule: FilterRule, k: string): void {
  const min = rule.minLength;
  const max = rule.maxLength ?? (rule.type === "string" ? STRING_CAP : undefined);
  if (min !== undefined) src.add(`if (${k}.length < ${literal(2 * min)} && cp(${k}) < ${literal(min)}) return I;`);
  if (max !== undefined) src.add(`if (${k}.length > ${literal(max)} && cp(${k}) > ${literal(max)}) return I;`);
}

/** Returns INVALID when number `k` is below `min` or above `max`. */
function bounds(src: Source, rule: FilterRule, k: string): void {
  if (rule.min !== undefined) src.add(`if (${k} < ${literal(rule.min)}) return I;`);
  if (rule.max !== undefined) src.add(`if (${k} > ${literal(rule.max)}) return I;`);
}

/** The bounds of a kept value whose type the rule does not fix (enum, regex, a validator check): by its type. */
function anyBounds(src: Source, rule: FilterRule, k: string): void {
  src.add(`if (typeof ${k} === "string") {`);
  lengths(src, rule, k);
  src.add(`} else if (typeof ${k} === "number") {`);
  bounds(src, rule, k);
  src.add(`} else if (Array.isArray(${k})) {`);
  if (rule.minItems !== undefined) src.add(`if (${k}.length < ${literal(rule.minItems)}) return I;`);
  if (rule.maxItems !== undefined) src.add(`if (${k}.length > ${literal(rule.maxItems)}) return I;`);
  src.add("}");
}

/** Code that checks present value `v` against `rule`; gives the variable holding the value to keep. */
function value(src: Source, rule: FilterRule, v: string): string {
  const k = src.fresh("k");
  switch (rule.type) {
    case "string":
    case "text":
      src.add(`if (typeof ${v} !== "string") return I;`);
      lengths(src, rule, v);
      return v;
    case "int":
    case "float":
    case "numeric": {
      // A number is checked here; a string that reads as one goes through the rule's own check.
      const accepts = rule.type === "int" ? "Number.isSafeInteger" : "Number.isFinite";
      const reads = src.constant(TYPE_CHECKS[rule.type].build(rule));
      src.add(`let ${k} = ${v};`);
      src.add(
        `if (typeof ${k} !== "number" || !${accepts}(${k})) { ${k} = ${reads}(${v}); if (${k} === I) return I; }`,
      );
      bounds(src, rule, k);
      return k;
    }
    case "bool":
    case "boolean": {
      const reads = src.constant(TYPE_CHECKS[rule.type].build(rule));
      src.add(`const ${k} = typeof ${v} === "boolean" ? ${v} : ${reads}(${v});`);
      src.add(`if (${k} === I) return I;`);
      return k;
    }
    case "enum":
      src.add(`if (!${src.constant(new Set(rule.enums))}.has(${v})) return I;`);
      anyBounds(src, rule, v);
      return v;
    case "regex": {
      const pattern = src.constant(rule.regex);
      const other = src.constant(TYPE_CHECKS.regex.build(rule));
      src.add(`if (typeof ${v} === "string") { ${pattern}.lastIndex = 0; if (!${pattern}.test(${v})) return I; }`);
      src.add(`else if (${other}(${v}) === I) return I;`);
      anyBounds(src, rule, v);
      return v;
    }
    case "array":
      return array(src, rule, v);
    case "object":
      src.add(`if (typeof ${v} !== "object" || ${v} === null || Array.isArray(${v})) return I;`);
      return rule.validate === undefined ? v : object(src, rule.validate, v, false);
    default: {
      const check = src.constant(TYPE_CHECKS[rule.type as keyof typeof TYPE_CHECKS].build(rule));
      src.add(`const ${k} = ${check}(${v});`);
      src.add(`if (${k} === I) return I;`);
      anyBounds(src, rule, k);
      return k;
    }
  }
}

function array(src: Source, rule: FilterRule, v: string): string {
  src.add(`if (!Array.isArray(${v})) return I;`);
  if (rule.minItems !== undefined) src.add(`if (${v}.length < ${literal(rule.minItems)}) return I;`);
  if (rule.maxItems !== undefined) src.add(`if (${v}.length > ${literal(rule.maxItems)}) return I;`);
  if (rule.items === undefined) return v;
  const out = src.fresh("a");
  const i = src.fresh("i");
  const element = src.fresh("e");
  src.add(`const ${out} = new Array(${v}.length);`);
  src.add(`for (let ${i} = 0; ${i} < ${v}.length; ${i}++) {`);
  src.add(`const ${element} = ${v}[${i}];`);
  src.add(`if (${element} === undefined || ${element} === null) return I;`);
  src.add(`${out}[${i}] = ${value(src, rule.items, element)};`);
  src.add("}");
  return out;
}

/** Code that checks object `data`'s fields; gives the variable of the object of kept values. */
function object(src: Source, rules: FilterRules, data: string, lenientArrays: boolean): string {
  const out = src.fresh("o");
  src.add(`const ${out} = {};`);
  for (const name of Object.keys(rules)) {
    const rule = rules[name];
    const required = rule.required === true;
    const v = src.fresh("v");
    src.add(`let ${v} = ${data}${key(name)};`);
    src.add(`if (${v} === undefined || ${v} === null${required ? ` || ${v} === ""` : ""}) {`);
    if (required) src.add("return I;");
    src.add("} else {");
    if (rule.matches !== undefined) src.add(`if (${v} !== ${data}${key(rule.matches)}) return I;`);
    if (lenientArrays && rule.type === "array") src.add(`if (!Array.isArray(${v})) ${v} = [${v}];`);
    const kept = rule.type === undefined ? v : value(src, rule, v);
    if (rule.ignore !== true) src.add(`${out}${key(rule.alias ?? name)} = ${kept};`);
    src.add("}");
  }
  return out;
}

/**
 * A rule set (checked already by compile-rules' `compileObject`, the reference) as one
 * generated function, as ajv and fast-json-stringify do: every field's checks inline, no
 * call per field, no path or message built. Valid data (nearly every request) takes only
 * this; on INVALID the reference runs to name each failed field and rule. Where a runtime
 * forbids making code from strings (a Content-Security-Policy without `unsafe-eval`,
 * Cloudflare Workers, node's `--disallow-code-generation-from-strings`) it gives
 * undefined, and the reference does all the work.
 */
export function generateCheck(rules: FilterRules, lenientArrays: boolean): ValidCheck | undefined {
  const src = new Source();
  const out = object(src, rules, "d", lenientArrays);
  src.add(`return ${out};`);
  try {
    // Made from checked rules only (see Source).
    const make = new Function("c", "I", "cp", `"use strict"; return function check(d) {\n${src.text()}\n};`) as (
      constants: unknown[],
      invalid: typeof INVALID,
      count: typeof codePoints,
    ) => ValidCheck;
    return make(src.constants, INVALID, codePoints);
  } catch (error) {
    if (error instanceof EvalError) return undefined;
    throw error;
  }
}
