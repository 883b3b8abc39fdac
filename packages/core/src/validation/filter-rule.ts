/**
 * The rule types of `@filter`, with node-form-validator's names. `string` is text of at
 * most 255 characters unless `maxLength` says otherwise; `text` has no such cap.
 */
export const RULE_TYPES = [
  "string",
  "text",
  "email",
  "url",
  "fqdn",
  "ip",
  "alpha",
  "alphanumeric",
  "numeric",
  "int",
  "float",
  "bool",
  "boolean",
  "base64",
  "hexadecimal",
  "hexcolor",
  "uuid",
  "json",
  "creditcard",
  "isbn",
  "ascii",
  "multibyte",
  "date",
  "time",
  "phone",
  "enum",
  "regex",
  "array",
  "object",
] as const;

/** A rule type of `@filter`: `"string"`, `"email"`, `"int"`, `"array"`, `"object"`… */
export type RuleType = (typeof RULE_TYPES)[number];

/**
 * One field's rule: node-form-validator's options (`type`, `required`, `minLength`,
 * `maxLength`, `enums`, `regex`, `locale`, `validate`, `alias`, `ignore`, `matches`)
 * plus `min`/`max` for numbers and `items`/`minItems`/`maxItems` for arrays.
 *
 * @example
 * const rule: FilterRule = { type: "int", required: true, min: 1, max: 100 };
 */
export interface FilterRule {
  /** What the value must be. Optional only with `matches`. */
  type?: RuleType;
  /** The field must be present: not missing, `null` or `""`. */
  required?: boolean;
  /** Fewest characters (code points) of a string value. */
  minLength?: number;
  /** Most characters (code points) of a string value. */
  maxLength?: number;
  /** Smallest value of an `int`, `float` or `numeric`. */
  min?: number;
  /** Largest value of an `int`, `float` or `numeric`. */
  max?: number;
  /** The rule every element of an `array` obeys. */
  items?: FilterRule;
  /** Fewest elements of an `array`. */
  minItems?: number;
  /** Most elements of an `array`. */
  maxItems?: number;
  /** The allowed values of an `enum`. */
  enums?: readonly unknown[];
  /** The pattern a `regex` value matches. */
  regex?: RegExp;
  /** The locale of a `phone` (default `"zh-CN"`, node-form-validator's) or `alpha`/`alphanumeric`. */
  locale?: string;
  /** The rules of an `object`'s fields. */
  validate?: Record<string, FilterRule>;
  /** The name the value gets in `scope.extracted`. */
  alias?: string;
  /** Check the value but leave it out of `scope.extracted`. */
  ignore?: boolean;
  /** The value must equal this other field's value (e.g. a password confirmation). */
  matches?: string;
}

/** A rule set: field name → rule. */
export type FilterRules = Record<string, FilterRule>;

/** One failed check: which field broke which rule, in plain English (the problem body's `errors`). */
export type { FieldError } from "../errors/problem";
