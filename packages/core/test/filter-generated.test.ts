import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { isDeepStrictEqual } from "node:util";
import { filter, type FieldError, type FilterRule, type FilterRules } from "@aex/core";
import { compileObject, RULE_TYPES } from "@aex/core/plugin";
import { generateCheck } from "@aex/core/validation/generate-check";
import { INVALID } from "@aex/core/validation/type-checks";
import { filterApp } from "./support/filter-app";

// @filter runs a generated function for each rule set and falls back to the closures of
// compile-rules (the reference, which names each failed field) only when that says invalid.
// The generated check must never pass what the reference refuses, nor keep other values,
// nor refuse what it passes (that would only cost time, but it is still a bug).

/** Every rule type, some with the options that change what they keep or refuse. */
const RULES: FilterRule[] = [
  ...RULE_TYPES.filter((type) => !["enum", "regex", "array", "object", "phone"].includes(type)).map(
    (type) => ({ type }) as FilterRule,
  ),
  { type: "phone", locale: "en-US" },
  { type: "string", required: true, minLength: 2, maxLength: 4 },
  { type: "text", minLength: 3 },
  { type: "email", maxLength: 12 },
  { type: "int", min: -2, max: 10 },
  { type: "float", required: true, min: 0.5, max: 2.5 },
  { type: "numeric", min: 0 },
  { type: "bool", required: true },
  { type: "enum", enums: ["red", 3, true] },
  { type: "enum", enums: ["ab", "abcdef", 7, 70], minLength: 3, max: 10 },
  { type: "regex", regex: /^[A-Z]{2}\d?$/ },
  { type: "regex", regex: /\d+/g, maxLength: 3, min: 5 },
  { type: "array" },
  { type: "array", required: true, minItems: 1, maxItems: 2, items: { type: "int", min: 0 } },
  { type: "array", items: { type: "object", validate: { a: { type: "string", required: true }, b: { type: "int" } } } },
  { type: "object" },
  {
    type: "object",
    required: true,
    validate: { a: { type: "string", alias: "A" }, b: { type: "bool", ignore: true }, c: { matches: "a" } },
  },
  { type: "ip", minLength: 8 },
];

/** Values of every JSON kind, with edges of the rules above. */
const VALUES: unknown[] = [
  undefined,
  null,
  "",
  " ",
  "a",
  "ab",
  "abc",
  "abcde",
  "abcdef",
  "red",
  "RED",
  "AB",
  "AB1",
  "ab1",
  "1234",
  "12",
  "123456",
  "7",
  "70",
  "3",
  "-2",
  "-3",
  "0.5",
  "2.5",
  "2.6",
  "1e3",
  "0x10",
  "true",
  "FALSE",
  "yes",
  "a@b.co",
  "long.name@example.com",
  "not an email",
  "127.0.0.1",
  "::1",
  "😀😀",
  "😀😀😀😀😀",
  "2024-01-31",
  "09:30",
  "#abc",
  "https://example.com/",
  "+12025550123",
  0,
  -0,
  1,
  -2,
  -3,
  3,
  7,
  10,
  11,
  0.4,
  0.5,
  2.5,
  5.5,
  70,
  2 ** 53,
  true,
  false,
  [],
  [1],
  [1, 2],
  [1, 2, 3],
  ["1", "x"],
  [null],
  [-1],
  [{ a: "x" }],
  [{ a: "x", b: "2" }, { b: 1 }],
  [{ a: "" }],
  {},
  { a: "x" },
  { a: "x", b: true, c: "x", d: 1 },
  { a: "x", c: "y" },
  { a: 1 },
];

function reference(rules: FilterRules, data: Record<string, unknown>, lenient: boolean) {
  const errors: FieldError[] = [];
  const kept = compileObject(rules, "", lenient)(data, "", errors);
  return errors.length === 0 ? { valid: true, kept } : { valid: false };
}

function generated(rules: FilterRules, data: Record<string, unknown>, lenient: boolean) {
  const check = generateCheck(rules, lenient);
  if (check === undefined) throw new Error("this runtime allows code generation: a check is expected");
  const kept = check(data);
  return kept === INVALID ? { valid: false } : { valid: true, kept };
}

describe("@filter's generated check", () => {
  it("agrees with the reference closures on every rule and value, in bodies and in queries", () => {
    const disagreements: unknown[] = [];
    let valid = 0;
    let invalid = 0;
    for (const rule of RULES) {
      for (const lenient of [false, true]) {
        const rules: FilterRules = { v: rule, w: { type: "int" } };
        for (const value of VALUES) {
          const data = { v: value, w: 1, extra: "dropped" };
          const expected = reference(rules, data, lenient);
          const actual = generated(rules, data, lenient);
          if (expected.valid) valid++;
          else invalid++;
          // Objects compare by JSON; other values exactly (0 and -0 differ).
          const same =
            JSON.stringify(actual) === JSON.stringify(expected) &&
            (typeof expected.kept === "object" || Object.is(actual.kept, expected.kept));
          if (!same) disagreements.push({ rule, lenient, value, expected, actual });
        }
      }
    }
    expect(disagreements).toEqual([]);
    // Both verdicts are well represented, so agreement is not agreement on one answer.
    expect(valid).toBeGreaterThan(300);
    expect(invalid).toBeGreaterThan(1500);
  });

  it("agrees with the reference on random nested rule sets and data (seeded, so a failure repeats)", () => {
    let seed = 20261207;
    const random = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    const pick = <T>(from: readonly T[]): T => from[Math.floor(random() * from.length)];
    // Names that are also Object.prototype's, and that collide through alias and matches.
    const NAMES = ["a", "b", "c", "constructor", "toString", "valueOf", "0"];
    const TYPES = ["string", "text", "email", "int", "float", "numeric", "bool", "enum", "regex", "array", "object"];
    const ruleOf = (depth: number): FilterRule => {
      const rule: Record<string, unknown> = random() < 0.1 ? { matches: pick(NAMES) } : { type: pick(TYPES) };
      if (random() < 0.3) rule.required = true;
      if (random() < 0.2) rule.minLength = pick([0, 1, 2, 0.5, Infinity]);
      if (random() < 0.2) rule.maxLength = pick([0, 1, 3, 255, 2.5]);
      if (random() < 0.2) rule.min = pick([0, 1, -1, 2.5, -Infinity]);
      if (random() < 0.2) rule.max = pick([0, 1, 10, Infinity]);
      if (random() < 0.15) rule.minItems = pick([0, 1, 2]);
      if (random() < 0.15) rule.maxItems = pick([0, 1, 2]);
      if (random() < 0.2) rule.alias = pick(NAMES);
      if (random() < 0.15) rule.ignore = true;
      if (rule.type === "enum")
        rule.enums = pick([
          ["a", 1, true, null, "1"],
          [Number.NaN, 0, "", false],
        ]);
      if (rule.type === "regex") rule.regex = pick([/^a+$/, /\d/g, /b/y, /1/gi]);
      if (rule.type === "array" && depth < 3 && random() < 0.7)
        rule.items = { ...ruleOf(depth + 1), matches: undefined, type: pick(TYPES) };
      if (rule.type === "object" && depth < 3 && random() < 0.7) rule.validate = rulesOf(depth + 1);
      return rule as FilterRule;
    };
    const rulesOf = (depth: number): FilterRules =>
      Object.fromEntries(Array.from({ length: 1 + Math.floor(random() * 3) }, () => [pick(NAMES), ruleOf(depth)]));
    const PRIMITIVES = [
      undefined,
      null,
      "",
      "a",
      "aa",
      "1",
      "10",
      "2.5",
      "-0",
      "1e3",
      "true",
      "FALSE",
      " 1",
      "😀😀😀",
      "a".repeat(256),
      0,
      -0,
      1,
      2.5,
      10,
      -1,
      Number.NaN,
      Infinity,
      2 ** 53,
      true,
      false,
      "x@y.co",
    ];
    const valueOf = (depth: number): unknown => {
      const r = random();
      if (depth < 3 && r < 0.15) return Array.from({ length: Math.floor(random() * 3) }, () => valueOf(depth + 1));
      if (depth < 3 && r < 0.3) return dataOf(depth + 1);
      return pick(PRIMITIVES);
    };
    const dataOf = (depth: number): Record<string, unknown> =>
      Object.fromEntries(Array.from({ length: Math.floor(random() * 4) }, () => [pick(NAMES), valueOf(depth)]));

    const disagreements: unknown[] = [];
    let valid = 0;
    let cases = 0;
    for (let set = 0; set < 3000; set++) {
      const rules = rulesOf(0);
      const lenient = random() < 0.5;
      let checkReference: ReturnType<typeof compileObject>;
      try {
        checkReference = compileObject(rules, "", lenient);
      } catch {
        continue; // A rule set @filter refuses at the decorator (a bad items rule…).
      }
      const check = generateCheck(rules, lenient)!;
      for (let n = 0; n < 5; n++) {
        const data = dataOf(0);
        const errors: FieldError[] = [];
        const expected = checkReference(data, "", errors);
        const actual = check(data);
        cases++;
        if (errors.length === 0) valid++;
        const same =
          errors.length === 0 ? actual !== INVALID && isDeepStrictEqual(actual, expected) : actual === INVALID;
        if (!same && disagreements.length < 5) disagreements.push({ rules, lenient, data, errors, actual });
      }
    }
    expect(disagreements).toEqual([]);
    expect(cases).toBeGreaterThan(10_000);
    expect(valid).toBeGreaterThan(1_000);
  });

  it("keeps only the rule's fields, under their aliases, in new objects and arrays", () => {
    const rules: FilterRules = {
      name: { type: "string", alias: "userName" },
      tags: { type: "array", items: { type: "string" } },
      secret: { type: "string", ignore: true },
      n: { type: "int" },
    };
    const data = { name: "al", tags: ["a"], secret: "s", n: "4", isAdmin: true };
    const kept = generateCheck(rules, false)!(data) as Record<string, unknown>;
    expect(kept).toEqual({ userName: "al", tags: ["a"], n: 4 });
    expect(kept.tags).not.toBe(data.tags);
  });

  it("writes field names as data, never as code", () => {
    const name = '"]; throw new Error("injected"); //';
    const rules: FilterRules = { [name]: { type: "string", required: true, alias: `${name}\u2028` } };
    const check = generateCheck(rules, false)!;
    expect(check({ [name]: "x" })).toEqual({ [`${name}\u2028`]: "x" });
    expect(check({})).toBe(INVALID);
  });

  it("refuses __proto__ as a field name or alias: it would set the kept object's prototype", () => {
    for (const rules of [{ ["__proto__"]: { type: "object" } }, { a: { type: "object", alias: "__proto__" } }]) {
      expect(() => filter({ body: JSON.parse(JSON.stringify(rules)) as FilterRules })).toThrow(
        expect.objectContaining({ code: "AEX_ERR_DECORATOR_ARGS", message: expect.stringContaining("__proto__") }),
      );
    }
    // A body's own __proto__ key is not a rule field: it is dropped, and no prototype changes.
    const kept = generateCheck({ a: { type: "string" } }, false)!(
      JSON.parse('{"a": "x", "__proto__": {"isAdmin": true}}') as Record<string, unknown>,
    );
    expect(kept).toEqual({ a: "x" });
    expect((kept as { isAdmin?: unknown }).isAdmin).toBeUndefined();
  });

  it("answers valid and invalid bodies through the app, naming every failed field", async () => {
    const app = filterApp({
      body: {
        title: { type: "string", required: true, maxLength: 5 },
        items: { type: "array", items: { type: "object", validate: { qty: { type: "int", min: 1 } } } },
      },
    });
    const ok = await app
      .inject()
      .post("/body")
      .json({ title: "desk", items: [{ qty: 2, x: 1 }] });
    expect(ok.status).toBe(200);
    expect(ok.json()).toEqual({ body: { title: "desk", items: [{ qty: 2 }] } });
    const bad = await app
      .inject()
      .post("/body")
      .json({ title: "a desk", items: [{ qty: 2 }, { qty: 0 }] });
    expect(bad.status).toBe(400);
    expect(bad.json()).toMatchObject({
      code: "AEX_FILTER_INVALID",
      errors: [
        { field: "title", rule: "maxLength", message: "title must be at most 5 characters long" },
        { field: "items[1].qty", rule: "min", message: "items[1].qty must be at least 1" },
      ],
    });
  });
});

describe("@filter where code generation is forbidden", () => {
  const root = join(__dirname, "../../..");
  beforeAll(() => {
    execFileSync(join(root, "node_modules/.bin/tsc"), ["-b", "packages/core"], { cwd: root });
  }, 60_000);

  it("checks with the reference closures alone (node --disallow-code-generation-from-strings)", () => {
    const out = execFileSync(
      process.execPath,
      ["--disallow-code-generation-from-strings", join(__dirname, "fixtures/filter-no-eval-app.js")],
      { encoding: "utf8" },
    );
    expect(JSON.parse(out)).toEqual({
      generated: "none",
      valid: { status: 200, body: { body: { n: 3, tags: ["a"] } } },
      invalid: { status: 400, code: "AEX_FILTER_INVALID", field: "n", rule: "max" },
    });
  });
});
