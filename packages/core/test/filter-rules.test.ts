import { filter, type FilterRule } from "@aex/core";
import { RULE_TYPES } from "@aex/core/plugin";
import isEmail from "validator/lib/isEmail";
import { filterApp } from "./support/filter-app";

/** Sends `{ v: value }` as JSON to a route whose rule for `v` is `rule`. */
async function checkBody(rule: FilterRule, value: unknown) {
  const app = filterApp({ body: { v: rule } });
  const res = await app.inject().post("/body").json({ v: value });
  return { status: res.status, body: res.json<{ body?: { v?: unknown }; details?: Record<string, unknown> }>() };
}

async function expectValid(rule: FilterRule, value: unknown, kept: unknown = value) {
  const res = await checkBody(rule, value);
  expect({ value, status: res.status, kept: res.body.body?.v }).toEqual({ value, status: 200, kept });
}

async function expectInvalid(rule: FilterRule, value: unknown, broke = "type") {
  const res = await checkBody(rule, value);
  expect({ value, status: res.status }).toEqual({ value, status: 400 });
  expect(res.body).toMatchObject({ code: "AEX_FILTER_INVALID", details: { in: "body", field: "v", rule: broke } });
}

// Every rule type, with values it accepts and values it refuses.
const CASES: Record<(typeof RULE_TYPES)[number], { rule?: Partial<FilterRule>; ok: unknown[]; bad: unknown[] }> = {
  string: { ok: ["hello", "", "日本"], bad: [0, false, true, 3.5, [], {}, ["a"]] },
  text: { ok: ["x".repeat(1000)], bad: [0, false, {}] },
  email: { ok: ["a@b.example"], bad: ["a@", "not an email", 0, false] },
  url: { ok: ["https://example.com/a?b=c"], bad: ["not a url", 12] },
  fqdn: { ok: ["example.com"], bad: ["-bad-.com", "localhost"] },
  ip: { ok: ["127.0.0.1", "::1"], bad: ["999.1.1.1", 127] },
  alpha: { ok: ["abc"], bad: ["ab1", ""] },
  alphanumeric: { ok: ["abc123"], bad: ["ab c", "a-b"] },
  numeric: { ok: [12, "12", "-3.5"], bad: ["1e", "abc", true, ""] },
  int: { ok: [5, "5", "-7"], bad: [5.5, "5.5", "abc", false, "99999999999999999999"] },
  float: { ok: [1.5, "1.5", 2], bad: ["x1.5", false] },
  bool: { ok: [true, false, "true", "FALSE"], bad: ["yes", 1, 0] },
  boolean: { ok: [true], bad: ["1"] },
  base64: { ok: ["aGVsbG8="], bad: ["not base64!"] },
  hexadecimal: { ok: ["ff00aa"], bad: ["xyz"] },
  hexcolor: { ok: ["#ff0000", "#abc", "fff"], bad: ["#ggg", "red", 0xff0000] },
  uuid: { ok: ["123e4567-e89b-12d3-a456-426614174000"], bad: ["123e4567"] },
  json: { ok: ['{"a":1}'], bad: ["{a:1}", 1] },
  creditcard: { ok: ["4111111111111111"], bad: ["4111111111111112"] },
  isbn: { ok: ["9780306406157"], bad: ["9780306406158"] },
  ascii: { ok: ["abc!"], bad: ["日本"] },
  multibyte: { ok: ["日本"], bad: ["abc"] },
  date: { ok: ["2024-01-31", "2024-01-31T10:00:00Z"], bad: ["not a date", 20240131] },
  time: { ok: ["09:30", "23:59:59", "24:00"], bad: ["25:00", "9:3", "noon"] },
  phone: { rule: { locale: "en-US" }, ok: ["+12025550123"], bad: ["12", "phone"] },
  enum: { rule: { enums: ["red", "green", 3] }, ok: ["red", 3], bad: ["blue", "3"] },
  regex: { rule: { regex: /^[A-Z]{3}-\d{2}$/ }, ok: ["ABC-12"], bad: ["abc-12", true] },
  array: { ok: [[], [1, "a"]], bad: ["", "a", { 0: "a" }, 0] },
  object: { ok: [{}, { a: 1 }], bad: ["", [], 1] },
};

describe("@filter rule types", () => {
  it("has a case for every rule type", () => {
    expect(Object.keys(CASES).sort()).toEqual([...RULE_TYPES].sort());
  });

  describe.each(Object.entries(CASES))("type %s", (type, { rule, ok, bad }) => {
    const full = { type, ...rule } as FilterRule;
    it.each(ok.map((v) => [JSON.stringify(v), v]))("accepts %s", async (_label, value) => {
      const kept =
        typeof value === "string" && ["numeric", "int", "float"].includes(type)
          ? Number(value)
          : typeof value === "string" && (type === "bool" || type === "boolean")
            ? value.toLowerCase() === "true"
            : value;
      await expectValid(full, value, kept);
    });
    it.each(bad.map((v) => [JSON.stringify(v), v]))("refuses %s with rule type", async (_label, value) => {
      await expectInvalid(full, value);
    });
  });
});

describe("@filter email", () => {
  // The email rule takes a shortcut for plain addresses; its verdicts must be validator's.
  it("accepts and refuses exactly what validator's isEmail does", async () => {
    const addresses = [
      "a@b.co",
      "A_B%C+D-E@EXAMPLE.COM",
      "first.last@sub.domain.example",
      "a..b@example.com",
      ".a@example.com",
      "a.@example.com",
      "a@-b.com",
      "a@b-.com",
      "a@b--c.com",
      "a@b.c",
      "a@b.123",
      "a@localhost",
      "a@b_c.com",
      "a@b..com",
      "a@b.com.",
      "a@xn--bcher-kva.example",
      "a@b.xn--p1ai",
      "üser@example.com",
      '"quoted name"@example.com',
      "a@[127.0.0.1]",
      "a b@example.com",
      "a@example.com\n",
      "Name <a@example.com>",
      "a@b@example.com",
      `${"x".repeat(64)}@example.com`,
      `${"x".repeat(65)}@example.com`,
      `a@${"d".repeat(63)}.com`,
      `a@${"d".repeat(64)}.com`,
      `a@${`${"d".repeat(60)}.`.repeat(4)}com`,
      `${"x".repeat(64)}@${`${"d".repeat(60)}.`.repeat(3)}${"e".repeat(5)}.com`,
    ];
    const app = filterApp({ body: { v: { type: "email" } } });
    const client = app.inject();
    const verdicts = [];
    for (const address of addresses) {
      const res = await client.post("/body").json({ v: address });
      verdicts.push({ address, status: res.status });
    }
    expect(verdicts).toEqual(addresses.map((address) => ({ address, status: isEmail(address) ? 200 : 400 })));
    // Both sides of the rule are present in the table.
    expect(new Set(verdicts.map((v) => v.status))).toEqual(new Set([200, 400]));
  });
});

describe("@filter rule options", () => {
  it("type-checks present falsy values: 0 and false are not strings (regression: falsy values skipped)", async () => {
    const rule: FilterRule = { type: "string", required: true, minLength: 1 };
    await expectInvalid(rule, 0);
    await expectInvalid(rule, false);
  });

  it("applies minLength to an empty string on an optional field (regression)", async () => {
    await expectInvalid({ type: "string", minLength: 1 }, "", "minLength");
  });

  it("answers required for a missing, null or empty required field", async () => {
    for (const value of [undefined, null, ""])
      await expectInvalid({ type: "string", required: true }, value, "required");
  });

  it("leaves out absent optional fields", async () => {
    const app = filterApp({ body: { v: { type: "string" }, w: { type: "int" } } });
    const res = await app.inject().post("/body").json({ w: null });
    expect(res.status).toBe(200);
    expect(res.json()).toEqual({ body: {} });
  });

  it("counts characters as code points, not UTF-16 units (regression)", async () => {
    const emoji = "😀😀😀"; // 3 characters, 6 UTF-16 units
    await expectValid({ type: "string", maxLength: 3 }, emoji);
    await expectInvalid({ type: "string", maxLength: 2 }, emoji, "maxLength");
    await expectValid({ type: "string", minLength: 3 }, emoji);
    await expectInvalid({ type: "string", minLength: 4 }, emoji, "minLength");
  });

  it("caps string at 255 characters unless maxLength says otherwise; text has no cap", async () => {
    await expectInvalid({ type: "string" }, "x".repeat(256), "maxLength");
    await expectValid({ type: "string", maxLength: 1000 }, "x".repeat(256));
    await expectValid({ type: "text" }, "x".repeat(5000));
  });

  it("checks min and max of int, float and numeric", async () => {
    await expectValid({ type: "int", min: 1, max: 10 }, 10);
    await expectInvalid({ type: "int", min: 1, max: 10 }, 0, "min");
    await expectInvalid({ type: "float", max: 1.5 }, "1.6", "max");
    await expectInvalid({ type: "numeric", min: 0 }, -1, "min");
  });

  it("checks array items, minItems and maxItems, naming the element", async () => {
    const rule: FilterRule = { type: "array", items: { type: "int", min: 0 }, minItems: 1, maxItems: 3 };
    await expectValid(rule, ["1", 2], [1, 2]);
    await expectInvalid(rule, [], "minItems");
    await expectInvalid(rule, [1, 2, 3, 4], "maxItems");
    const res = await checkBody(rule, [1, "x"]);
    expect(res.body.details).toMatchObject({ field: "v[1]", rule: "type", message: "v[1] must be an integer" });
  });

  it("checks nested objects with validate, keeping only their rule fields", async () => {
    const rule: FilterRule = {
      type: "object",
      validate: { city: { type: "string", required: true }, zip: { type: "int" } },
    };
    await expectValid(rule, { city: "Paris", zip: "75001", extra: 1 }, { city: "Paris", zip: 75001 });
    const res = await checkBody(rule, { zip: 1 });
    expect(res.status).toBe(400);
    expect(res.body.details).toMatchObject({ field: "v.city", rule: "required", message: "v.city is required" });
  });

  it("supports alias, ignore and matches", async () => {
    const app = filterApp({
      body: {
        user_name: { type: "string", alias: "userName" },
        password: { type: "string", required: true },
        confirm: { matches: "password", ignore: true },
      },
    });
    const ok = await app.inject().post("/body").json({ user_name: "al", password: "pw", confirm: "pw" });
    expect(ok.json()).toEqual({ body: { userName: "al", password: "pw" } });
    const bad = await app.inject().post("/body").json({ password: "pw", confirm: "px" });
    expect(bad.status).toBe(400);
    expect(bad.json()).toMatchObject({
      code: "AEX_FILTER_INVALID",
      details: { field: "confirm", rule: "matches", message: "confirm must match password" },
    });
  });

  it("lists every failed field in errors, never echoing the rejected value", async () => {
    const app = filterApp({
      body: { title: { type: "string", required: true, maxLength: 5 }, n: { type: "int", max: 3 } },
    });
    const res = await app.inject().post("/body").json({ title: "secret-value-123", n: 99 });
    expect(res.status).toBe(400);
    expect(res.json()).toMatchObject({
      status: 400,
      code: "AEX_FILTER_INVALID",
      detail: "Invalid body: title must be at most 5 characters long",
      errors: [
        { field: "title", rule: "maxLength", message: "title must be at most 5 characters long" },
        { field: "n", rule: "max", message: "n must be at most 3" },
      ],
      details: { in: "body", field: "title", rule: "maxLength" },
    });
    expect(res.text()).not.toContain("secret-value-123");
    expect(res.text()).not.toContain("99");
  });

  it("coerces int, float, numeric and bool strings of the query and params to numbers and booleans", async () => {
    const app = filterApp({
      query: { page: { type: "int", min: 1 }, ratio: { type: "float" }, on: { type: "bool" }, tags: { type: "array" } },
      params: { a: { type: "numeric" }, b: { type: "int", max: 9 } },
    });
    const q = await app.inject().get("/query?page=2&ratio=0.5&on=true&tags=x");
    expect(q.status).toBe(200);
    expect(q.json()).toEqual({ params: {}, query: { page: 2, ratio: 0.5, on: true, tags: ["x"] } });
    const p = await app.inject().get("/params/12/7");
    expect(p.json()).toEqual({ params: { a: 12, b: 7 }, query: {} });
    const bad = await app.inject().get("/params/12/10");
    expect(bad.status).toBe(400);
    expect(bad.json()).toMatchObject({ details: { in: "params", field: "b", rule: "max" } });
    const low = await app.inject().get("/query?page=0");
    expect(low.json()).toMatchObject({
      details: { in: "query", field: "page", rule: "min", message: "page must be at least 1" },
    });
  });
});

describe("@filter setup mistakes", () => {
  it.each([
    ["an unknown type", { body: { a: { type: "strng" } } }],
    ["a rule without type", { body: { a: { required: true } } }],
    ["an enum without enums", { body: { a: { type: "enum" } } }],
    ["a regex without a RegExp", { body: { a: { type: "regex", regex: "^a" } } }],
    ["items on a string", { body: { a: { type: "string", items: { type: "int" } } } }],
    ["a bad nested rule", { body: { a: { type: "object", validate: { b: { type: "nope" } } } } }],
    ["a non-number minLength", { body: { a: { type: "string", minLength: "3" } } }],
  ])("refuses %s (AEX_ERR_DECORATOR_ARGS)", (_label, options) => {
    expect(() => filter(options as never)).toThrow(expect.objectContaining({ code: "AEX_ERR_DECORATOR_ARGS" }));
  });
});
