import isAlpha from "validator/lib/isAlpha";
import isAlphanumeric from "validator/lib/isAlphanumeric";
import isAscii from "validator/lib/isAscii";
import isBase64 from "validator/lib/isBase64";
import isCreditCard from "validator/lib/isCreditCard";
import isEmail from "validator/lib/isEmail";
import isFloat from "validator/lib/isFloat";
import isFQDN from "validator/lib/isFQDN";
import isHexadecimal from "validator/lib/isHexadecimal";
import isHexColor from "validator/lib/isHexColor";
import isInt from "validator/lib/isInt";
import isIP from "validator/lib/isIP";
import isISBN from "validator/lib/isISBN";
import isJSON from "validator/lib/isJSON";
import isMobilePhone, { type MobilePhoneLocale } from "validator/lib/isMobilePhone";
import isMultibyte from "validator/lib/isMultibyte";
import isNumeric from "validator/lib/isNumeric";
import isURL from "validator/lib/isURL";
import isUUID from "validator/lib/isUUID";
import type { AlphaLocale } from "validator/lib/isAlpha";
import type { AlphanumericLocale } from "validator/lib/isAlphanumeric";
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

/** validator's `isEmail`, with {@link PLAIN_EMAIL}'s shortcut. */
export function isEmailAddress(value: string): boolean {
  return (value.length <= 254 && value.indexOf("@") <= 64 && PLAIN_EMAIL.test(value)) || isEmail(value);
}

const TIME = /^(?:(?:[01]\d|2[0-3]):[0-5]\d(?::[0-5]\d)?|24:00(?::00)?)$/;

/** A check on strings only (validator's checks): other values are of the wrong type. */
function text(noun: string, test: (value: string, rule: FilterRule) => boolean): TypeCheckFactory {
  return {
    noun,
    build: (rule) => (value) => (typeof value === "string" && test(value, rule) ? value : INVALID),
  };
}

/** A number, or a string that reads as one (query, params, forms): kept as a number. */
function number(noun: string, accepts: (n: number) => boolean, reads: (s: string) => boolean): TypeCheckFactory {
  return {
    noun,
    build: () => (value) => {
      if (typeof value === "number") return accepts(value) ? value : INVALID;
      if (typeof value !== "string" || !reads(value)) return INVALID;
      const n = Number(value);
      return accepts(n) ? n : INVALID;
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
  string: text("a string", () => true),
  text: text("a string", () => true),
  email: text("an email address", isEmailAddress),
  url: text("a URL", (v) => isURL(v)),
  fqdn: text("a domain name", (v) => isFQDN(v)),
  ip: text("an IP address", (v) => isIP(v)),
  alpha: text("letters only", (v, rule) => isAlpha(v, rule.locale as AlphaLocale | undefined)),
  alphanumeric: text("letters and digits only", (v, rule) =>
    isAlphanumeric(v, rule.locale as AlphanumericLocale | undefined),
  ),
  numeric: number("a number", Number.isFinite, (v) => isNumeric(v)),
  int: number("an integer", Number.isSafeInteger, (v) => isInt(v)),
  float: number("a number", Number.isFinite, (v) => isFloat(v)),
  bool,
  boolean: bool,
  base64: text("base64", (v) => isBase64(v)),
  hexadecimal: text("a hexadecimal number", (v) => isHexadecimal(v)),
  hexcolor: text("a hex color", (v) => isHexColor(v)),
  uuid: text("a UUID", (v) => isUUID(v)),
  json: text("JSON text", (v) => isJSON(v)),
  creditcard: text("a credit card number", (v) => isCreditCard(v)),
  isbn: text("an ISBN", (v) => isISBN(v)),
  ascii: text("ASCII text", (v) => isAscii(v)),
  multibyte: text("text with a multibyte character", (v) => isMultibyte(v)),
  date: text("a date", (v) => !Number.isNaN(Date.parse(v))),
  time: text("a time (HH:MM or HH:MM:SS)", (v) => TIME.test(v)),
  phone: text("a phone number", (v, rule) => isMobilePhone(v, (rule.locale ?? "zh-CN") as MobilePhoneLocale)),
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
