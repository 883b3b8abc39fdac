import { AexError } from "../errors/aex-error";
import { RULE_TYPES, type FieldError, type FilterRule, type FilterRules, type RuleType } from "./filter-rule";
import { INVALID, TYPE_CHECKS } from "./type-checks";

/** Checks one present value at `path`; gives the value to keep, or {@link INVALID} after pushing its errors. */
type ValueCheck = (value: unknown, path: string, errors: FieldError[]) => unknown;

/** Checks an object's fields into a new object of the kept values. */
export type ObjectCheck = (
  data: Record<string, unknown>,
  path: string,
  errors: FieldError[],
) => Record<string, unknown>;

/** `string` is capped at 255 characters unless `maxLength` says otherwise (node-form-validator's rule). */
export const STRING_CAP = 255;

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? "" : "s"}`;
const join = (path: string, name: string): string => (path === "" ? name : `${path}.${name}`);

/** Characters as people count them: a surrogate pair (an emoji, a rare CJK character) is one. */
export function codePoints(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length - 1; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n--;
        i++;
      }
    }
  }
  return n;
}

function fail(where: string, why: string): never {
  throw new AexError("AEX_ERR_DECORATOR_ARGS", `@filter rule of ${where}: ${why}`);
}

function count(
  rule: FilterRule,
  key: "minLength" | "maxLength" | "min" | "max" | "minItems" | "maxItems",
  where: string,
) {
  const n = rule[key];
  if (n === undefined) return undefined;
  if (typeof n !== "number" || Number.isNaN(n)) fail(where, `${key} must be a number`);
  return n;
}

/** The checks a rule asks for, in order, as small closures built once. */
function compileValue(rule: FilterRule, where: string): ValueCheck {
  const type = rule.type as RuleType;
  const factory = TYPE_CHECKS[type];
  const typeCheck = factory.build(rule);
  const typeMessage =
    type === "enum" ? `one of ${(rule.enums ?? []).map((v) => JSON.stringify(v)).join(", ")}` : factory.noun;
  const minLength = count(rule, "minLength", where);
  const maxLength = count(rule, "maxLength", where) ?? (type === "string" ? STRING_CAP : undefined);
  const min = count(rule, "min", where);
  const max = count(rule, "max", where);
  const minItems = count(rule, "minItems", where);
  const maxItems = count(rule, "maxItems", where);
  const items =
    rule.items === undefined ? undefined : compileValue(checkedRule(rule.items, `${where}[]`), `${where}[]`);
  const children = type === "object" && rule.validate !== undefined ? compileObject(rule.validate, where) : undefined;

  return (value, path, errors) => {
    const kept = typeCheck(value);
    if (kept === INVALID) {
      errors.push({ field: path, rule: "type", message: `${path} must be ${typeMessage}` });
      return INVALID;
    }
    const before = errors.length;
    if (typeof kept === "string") {
      // A code point count is at most the UTF-16 length, and at least half of it.
      if (minLength !== undefined && kept.length < 2 * minLength && codePoints(kept) < minLength) {
        errors.push({
          field: path,
          rule: "minLength",
          message: `${path} must be at least ${plural(minLength, "character")} long`,
        });
      }
      if (maxLength !== undefined && kept.length > maxLength && codePoints(kept) > maxLength) {
        errors.push({
          field: path,
          rule: "maxLength",
          message: `${path} must be at most ${plural(maxLength, "character")} long`,
        });
      }
    } else if (typeof kept === "number") {
      if (min !== undefined && kept < min)
        errors.push({ field: path, rule: "min", message: `${path} must be at least ${min}` });
      if (max !== undefined && kept > max)
        errors.push({ field: path, rule: "max", message: `${path} must be at most ${max}` });
    } else if (Array.isArray(kept)) {
      if (minItems !== undefined && kept.length < minItems) {
        errors.push({
          field: path,
          rule: "minItems",
          message: `${path} must have at least ${plural(minItems, "item")}`,
        });
      }
      if (maxItems !== undefined && kept.length > maxItems) {
        errors.push({
          field: path,
          rule: "maxItems",
          message: `${path} must have at most ${plural(maxItems, "item")}`,
        });
      }
      if (items !== undefined && errors.length === before) {
        const out = new Array<unknown>(kept.length);
        for (let i = 0; i < kept.length; i++) {
          const element = kept[i];
          const where = `${path}[${i}]`;
          if (element === undefined || element === null) {
            errors.push({ field: where, rule: "required", message: `${where} is required` });
          } else out[i] = items(element, where, errors);
        }
        return errors.length === before ? out : INVALID;
      }
    } else if (children !== undefined) {
      const out = children(kept as Record<string, unknown>, path, errors);
      return errors.length === before ? out : INVALID;
    }
    return errors.length === before ? kept : INVALID;
  };
}

/** Refuses, at decoration time, a rule Aex could not check. */
function checkedRule(rule: FilterRule, where: string): FilterRule {
  if (typeof rule !== "object" || rule === null) fail(where, "a rule is an object such as { type: 'string' }");
  if (rule.type === undefined && rule.matches === undefined) fail(where, "type is missing");
  if (rule.type !== undefined && !(RULE_TYPES as readonly string[]).includes(rule.type)) {
    fail(where, `unknown type ${JSON.stringify(rule.type)}; types are ${RULE_TYPES.join(", ")}`);
  }
  if (rule.type === "enum" && !Array.isArray(rule.enums)) fail(where, "an enum needs an enums array");
  if (rule.type === "regex" && !(rule.regex instanceof RegExp)) fail(where, "a regex needs a regex (a RegExp)");
  if (rule.items !== undefined && rule.type !== "array") fail(where, "items is for arrays");
  if (rule.validate !== undefined && rule.type !== "object") fail(where, "validate is for objects");
  return rule;
}

interface FieldPlan {
  readonly name: string;
  readonly as: string;
  readonly required: boolean;
  readonly keep: boolean;
  readonly matches: string | undefined;
  readonly check: ValueCheck | undefined;
  readonly lenientArray: boolean;
}

/**
 * Compiles a rule set, once, into a function that checks an object's fields and gives
 * the kept values (named by `alias`, without `ignore`d fields). `lenientArrays` lets a
 * lone query value stand for a one-element array (`?tag=a`).
 */
export function compileObject(rules: FilterRules, where = "", lenientArrays = false): ObjectCheck {
  if (typeof rules !== "object" || rules === null || Array.isArray(rules))
    fail(where || "the rules", "rules are an object");
  const plans: FieldPlan[] = Object.keys(rules).map((name) => {
    const rule = checkedRule(rules[name], join(where, name));
    // Set on the kept object, that name would change its prototype instead of adding a field.
    if (name === "__proto__" || rule.alias === "__proto__") fail(join(where, name), "__proto__ cannot name a field");
    return {
      name,
      as: rule.alias ?? name,
      required: rule.required === true,
      keep: rule.ignore !== true,
      matches: rule.matches,
      check: rule.type === undefined ? undefined : compileValue(rule, join(where, name)),
      lenientArray: lenientArrays && rule.type === "array",
    };
  });

  return (data, path, errors) => {
    const out: Record<string, unknown> = {};
    for (let i = 0; i < plans.length; i++) {
      const plan = plans[i];
      let value = data[plan.name];
      if (value === undefined || value === null || (value === "" && plan.required)) {
        if (plan.required) {
          const field = join(path, plan.name);
          errors.push({ field, rule: "required", message: `${field} is required` });
        }
        continue;
      }
      if (plan.matches !== undefined && value !== data[plan.matches]) {
        const field = join(path, plan.name);
        errors.push({ field, rule: "matches", message: `${field} must match ${join(path, plan.matches)}` });
        continue;
      }
      if (plan.lenientArray && !Array.isArray(value)) value = [value];
      const kept = plan.check === undefined ? value : plan.check(value, join(path, plan.name), errors);
      if (kept !== INVALID && plan.keep) out[plan.as] = kept;
    }
    return out;
  };
}
