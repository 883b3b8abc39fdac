import type { AlphaLocale } from "validator/lib/isAlpha";
import type { AlphanumericLocale } from "validator/lib/isAlphanumeric";
import type { MobilePhoneLocale } from "validator/lib/isMobilePhone";
import type { FilterRule, RuleType } from "./filter-rule";

/** What a type check returns for a value of the wrong type. */
export const INVALID: unique symbol = Symbol("aex.invalid");

/** Checks a present value's type; gives the value to keep (numbers and booleans coerced) or {@link INVALID}. */
export type TypeCheck = (value: unknown) => unknown;

/** A rule type's check, built once per rule, and how a message names the type. */
export interface TypeCheckFactory {
  readonly noun: string;
  build(rule: FilterRule): TypeCheck;
}

/**
 * Addresses validator's `isEmail` accepts for certain: dot-separated ASCII atoms, an `@`,
 * host-name labels and a letters-only TLD, within its length limits (64 before the `@`, 254
 * in all). The common address skips its option merging and domain splitting; any other goes
 * to `isEmail`, so what passes is exactly what `isEmail` passes.
 */
const PLAIN_EMAIL = /^[a-z0-9_%+-]+(?:\.[a-z0-9_%+-]+)*@(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;

/** The validator checks rules use, by their module name in `validator/lib`. */
interface ValidatorChecks {
  isAlpha: typeof import("validator/lib/isAlpha").default;
  isAlphanumeric: typeof import("validator/lib/isAlphanumeric").default;
  isAscii: typeof import("validator/lib/isAscii").default;
  isBase64: typeof import("validator/lib/isBase64").default;
  isCreditCard: typeof import("validator/lib/isCreditCard").default;
  isEmail: typeof import("validator/lib/isEmail").default;
  isFloat: typeof import("validator/lib/isFloat").default;
  isFQDN: typeof import("validator/lib/isFQDN").default;
  isHexadecimal: typeof import("validator/lib/isHexadecimal").default;
  isHexColor: typeof import("validator/lib/isHexColor").default;
  isInt: typeof import("validator/lib/isInt").default;
  isIP: typeof import("validator/lib/isIP").default;
  isISBN: typeof import("validator/lib/isISBN").default;
  isJSON: typeof import("validator/lib/isJSON").default;
  isMobilePhone: typeof import("validator/lib/isMobilePhone").default;
  isMultibyte: typeof import("validator/lib/isMultibyte").default;
  isNumeric: typeof import("validator/lib/isNumeric").default;
  isURL: typeof import("validator/lib/isURL").default;
  isUUID: typeof import("validator/lib/isUUID").default;
}

const loaded: Partial<ValidatorChecks> = {};

/**
 * validator's check `name`, loaded when the first rule that needs it is compiled (at
 * `prepare()`): an app whose rules need none of them never loads validator.
 */
function validatorCheck<N extends keyof ValidatorChecks>(name: N): ValidatorChecks[N] {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use, not at start-up
  return (loaded[name] ??= (require(`validator/lib/${name}`) as { default: ValidatorChecks[N] }).default);
}

/** validator's `isEmail`, with {@link PLAIN_EMAIL}'s shortcut. */
export function isEmailAddress(value: string): boolean {
  return (
    (value.length <= 254 && value.indexOf("@") <= 64 && PLAIN_EMAIL.test(value)) || validatorCheck("isEmail")(value)
  );
}

const TIME = /^(?:(?:[01]\d|2[0-3]):[0-5]\d(?::[0-5]\d)?|24:00(?::00)?)$/;

/**
 * A check on strings only (validator's checks): other values are of the wrong type. `make`
 * builds the string test for a rule, once, when the rule is compiled.
 */
function text(noun: string, make: (rule: FilterRule) => (value: string) => boolean): TypeCheckFactory {
  return {
    noun,
    build: (rule) => {
      const test = make(rule);
      return (value) => (typeof value === "string" && test(value) ? value : INVALID);
    },
  };
}

/** A string check that is one of validator's, with its default options. */
const validated = (noun: string, name: keyof ValidatorChecks): TypeCheckFactory =>
  text(noun, () => {
    const check = validatorCheck(name) as (value: string) => boolean;
    return (value) => check(value);
  });

/** A number, or a string that reads as one (query, params, forms): kept as a number. */
function number(noun: string, accepts: (n: number) => boolean, name: keyof ValidatorChecks): TypeCheckFactory {
  return {
    noun,
    build: () => {
      const reads = validatorCheck(name) as (value: string) => boolean;
      return (value) => {
        if (typeof value === "number") return accepts(value) ? value : INVALID;
        if (typeof value !== "string" || !reads(value)) return INVALID;
        const n = Number(value);
        return accepts(n) ? n : INVALID;
      };
    },
  };
}

const bool: TypeCheckFactory = {
  noun: "true or false",
  build: () => (value) => {
    if (typeof value === "boolean") return value;
    if (typeof value !== "string") return INVALID;
    const lower = value.toLowerCase();
    return lower === "true" ? true : lower === "false" ? false : INVALID;
  },
};

const plainObject = (value: unknown): boolean => typeof value === "object" && value !== null && !Array.isArray(value);

/** The type checks by rule type. `array` and `object` also check their contents (compile-rules.ts). */
export const TYPE_CHECKS: Readonly<Record<RuleType, TypeCheckFactory>> = {
  string: text("a string", () => () => true),
  text: text("a string", () => () => true),
  email: text("an email address", () => isEmailAddress),
  url: validated("a URL", "isURL"),
  fqdn: validated("a domain name", "isFQDN"),
  ip: validated("an IP address", "isIP"),
  alpha: text("letters only", (rule) => {
    const isAlpha = validatorCheck("isAlpha");
    return (v) => isAlpha(v, rule.locale as AlphaLocale | undefined);
  }),
  alphanumeric: text("letters and digits only", (rule) => {
    const isAlphanumeric = validatorCheck("isAlphanumeric");
    return (v) => isAlphanumeric(v, rule.locale as AlphanumericLocale | undefined);
  }),
  numeric: number("a number", Number.isFinite, "isNumeric"),
  int: number("an integer", Number.isSafeInteger, "isInt"),
  float: number("a number", Number.isFinite, "isFloat"),
  bool,
  boolean: bool,
  base64: validated("base64", "isBase64"),
  hexadecimal: validated("a hexadecimal number", "isHexadecimal"),
  hexcolor: validated("a hex color", "isHexColor"),
  uuid: validated("a UUID", "isUUID"),
  json: validated("JSON text", "isJSON"),
  creditcard: validated("a credit card number", "isCreditCard"),
  isbn: validated("an ISBN", "isISBN"),
  ascii: validated("ASCII text", "isAscii"),
  multibyte: validated("text with a multibyte character", "isMultibyte"),
  date: text("a date", () => (v) => !Number.isNaN(Date.parse(v))),
  time: text("a time (HH:MM or HH:MM:SS)", () => (v) => TIME.test(v)),
  phone: text("a phone number", (rule) => {
    const isMobilePhone = validatorCheck("isMobilePhone");
    const locale = (rule.locale ?? "zh-CN") as MobilePhoneLocale;
    return (v) => isMobilePhone(v, locale);
  }),
  enum: {
    noun: "one of the allowed values",
    build: (rule) => {
      const allowed = new Set(rule.enums);
      return (value) => (allowed.has(value) ? value : INVALID);
    },
  },
  regex: {
    noun: "in the expected format",
    build: (rule) => {
      const pattern = rule.regex as RegExp;
      return (value) => {
        if (typeof value !== "string" && typeof value !== "number") return INVALID;
        pattern.lastIndex = 0;
        return pattern.test(String(value)) ? value : INVALID;
      };
    },
  },
  array: { noun: "an array", build: () => (value) => (Array.isArray(value) ? value : INVALID) },
  object: { noun: "an object", build: () => (value) => (plainObject(value) ? value : INVALID) },
};
