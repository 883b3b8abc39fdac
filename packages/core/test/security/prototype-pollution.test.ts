import { deflateSync, gzipSync } from "node:zlib";
import {
  Aex,
  body,
  formdata,
  get,
  post,
  query,
  type AexRequest,
  type AexResponse,
  type Scope,
  type ScopeWith,
} from "@aex/core";
import { parseJson, stripPrototypeKeys } from "@aex/core/plugin";
import { listen, send, type TestResponse } from "../support/http";

// The victim: the deep merge a handler might write (or take from an old library). It
// follows `__proto__` and `constructor.prototype` like lodash.merge before 4.17.5.
type Bag = Record<string, unknown>;
function naiveMerge(target: Bag, source: unknown): Bag {
  if (typeof source !== "object" || source === null) return target;
  for (const key of Object.keys(source)) {
    const value = (source as Bag)[key];
    if (typeof value === "object" && value !== null) {
      const current = target[key];
      if ((typeof current !== "object" && typeof current !== "function") || current === null) target[key] = {};
      naiveMerge(target[key] as Bag, value);
    } else target[key] = value;
  }
  return target;
}

/** What every route answers: the parsed data, whether a merge of it polluted, and what it left on a fresh object. */
function report(res: AexResponse, data: unknown): void {
  const merged = naiveMerge({}, data);
  res.json({
    data,
    polluted: ({} as Bag).p ?? null,
    functionPolluted: (function () {} as unknown as Bag).p ?? null,
    mergedPrototype: Object.getPrototypeOf(merged) === Object.prototype,
  });
}

class Inputs {
  @post("/json")
  @body("json")
  json(_req: AexRequest, res: AexResponse, scope: Scope) {
    report(res, scope.body);
  }

  @post("/json-typed")
  @body("json", { type: ["application/json", "text/x-json"] })
  jsonTyped(_req: AexRequest, res: AexResponse, scope: Scope) {
    report(res, scope.body);
  }

  @post("/form")
  @body("urlencoded")
  form(_req: AexRequest, res: AexResponse, scope: Scope) {
    report(res, scope.body);
  }

  @post("/extended")
  @body("urlencoded", { extended: true })
  extended(_req: AexRequest, res: AexResponse, scope: Scope) {
    report(res, scope.body);
  }

  @get("/query")
  @query()
  queryRoute(_req: AexRequest, res: AexResponse, scope: Scope) {
    report(res, { ...scope.query });
  }

  @get("/query-assign")
  @query()
  queryAssign(_req: AexRequest, res: AexResponse, scope: Scope) {
    // Object.assign calls the __proto__ setter of its target for an own "__proto__" key.
    const assigned = Object.assign({}, scope.query) as object;
    res.json({ keys: Object.keys(scope.query), plainPrototype: Object.getPrototypeOf(assigned) === Object.prototype });
  }

  @post("/upload")
  @formdata()
  upload(_req: AexRequest, res: AexResponse, scope: ScopeWith<{ body: object }>) {
    res.json({
      fields: Object.keys(scope.body),
      files: Object.keys(scope.files),
      assignedPrototype: Object.getPrototypeOf(Object.assign({}, scope.body)) === Object.prototype,
    });
  }

  @get("/cookies")
  cookies(req: AexRequest, res: AexResponse) {
    const all = req.cookies.getAll();
    res.json({
      keys: Object.keys(all),
      proto: req.cookies.get("__proto__") ?? null,
      has: req.cookies.has("__proto__"),
      assignedPrototype: Object.getPrototypeOf(Object.assign({}, all)) === Object.prototype,
    });
  }
}

const clean = { polluted: null, functionPolluted: null, mergedPrototype: true };
const json = { "Content-Type": "application/json" };

describe("prototype pollution: one rule for every parsed input", () => {
  let aex: Aex;
  let base: string;
  beforeAll(async () => {
    aex = new Aex().push(Inputs);
    base = await listen(aex);
  });
  afterAll(() => aex.close());
  // A failing test must not leave other tests a polluted Object.prototype.
  afterEach(() => {
    delete (Object.prototype as Bag).p;
    delete (Function.prototype as unknown as Bag).p;
  });

  const post = (path: string, headers: Record<string, string>, payload: string | Buffer): Promise<TestResponse> =>
    send(base, "POST", path, { headers, body: payload });

  // Every escape spelling of the keys, at the top, deep, and in arrays.
  const escaped: [string, string][] = [
    ["\\u-escaped __proto__", '{"\\u005f\\u005fproto\\u005f\\u005f":{"p":1},"ok":1}'],
    ["uppercase \\u005F __proto__", '{"\\u005F_proto__":{"p":1},"ok":1}'],
    ["one escaped letter of __proto__", '{"__pr\\u006fto__":{"p":1},"ok":1}'],
    ["\\u-escaped constructor.prototype", '{"\\u0063onstructor":{"\\u0070rototype":{"p":1}},"ok":1}'],
    ["constructor.prototype with only prototype escaped", '{"constructor":{"\\u0070rototype":{"p":1}},"ok":1}'],
  ];
  const nest = (payload: string) => `{"ok":1,"a":[1,{"b":[${payload}]}]}`;

  it.each(escaped)("regression: %s keys in a JSON body are stripped (fast path)", async (_name, payload) => {
    const top = await post("/json", json, payload);
    expect(top.status).toBe(200);
    expect(top.json()).toEqual({ data: { ok: 1 }, ...clean });
    const deep = await post("/json", json, nest(payload));
    expect(deep.status).toBe(200);
    expect(deep.json()).toEqual({ data: { ok: 1, a: [1, { b: [{ ok: 1 }] }] }, ...clean });
  });

  it.each(escaped)("regression: %s keys in a gzip or deflate JSON body are stripped", async (_name, payload) => {
    for (const [encoding, packed] of [
      ["gzip", gzipSync(nest(payload))],
      ["deflate", deflateSync(nest(payload))],
    ] as const) {
      const res = await post("/json", { ...json, "Content-Encoding": encoding }, packed);
      expect(res.status).toBe(200);
      expect(res.json()).toEqual({ data: { ok: 1, a: [1, { b: [{ ok: 1 }] }] }, ...clean });
    }
  });

  it("regression: escaped prototype keys are stripped on body-parser's path (custom type, odd Content-Type)", async () => {
    const payload = nest(escaped[0][1]);
    for (const type of [
      "text/x-json",
      "application/json; charset=utf-8; profile=x",
      "application/JSON; charset=UTF-8",
    ]) {
      const res = await post("/json-typed", { "Content-Type": type }, payload);
      expect(res.status).toBe(200);
      expect(res.json()).toEqual({ data: { ok: 1, a: [1, { b: [{ ok: 1 }] }] }, ...clean });
    }
  });

  it("regression: a UTF-16 JSON body cannot carry plain __proto__ past the byte scan (415, JSON is UTF-8)", async () => {
    const payload = Buffer.from('{"__proto__":{"p":1}}', "utf16le");
    const res = await post("/json", { "Content-Type": "application/json; charset=utf-16le" }, payload);
    expect(res.status).toBe(415);
    expect(res.json()).toMatchObject({ status: 415, code: "AEX_BODY_UNSUPPORTED_ENCODING" });
    expect(({} as Bag).p).toBeUndefined();
  });

  it("keeps constructor keys without an object and prototype keys; drops constructor objects", async () => {
    // A merge of {"constructor":{"keys":1}} would set Object.keys = 1 for the whole process.
    const payload = '{"constructor":"Ada","prototype":{"p":1},"x":{"constructor":{"keys":1}},"y":{"constructor":[1]}}';
    const res = await post("/json", json, payload);
    expect(res.status).toBe(200);
    expect(res.json()).toEqual({ data: { constructor: "Ada", prototype: { p: 1 }, x: {}, y: {} }, ...clean });
    expect(typeof Object.keys).toBe("function");
  });

  it("regression: percent-encoded constructor.prototype in an urlencoded body is stripped", async () => {
    const form = { "Content-Type": "application/x-www-form-urlencoded" };
    for (const payload of [
      "ok=1&%63onstructor[prototype][p]=1",
      "ok=1&constructor[%70rototype][p]=1",
      "ok=1&%5F%5Fproto%5F%5F[p]=1&a[__proto__][p]=1",
    ]) {
      const res = await post("/extended", form, payload);
      expect(res.status).toBe(200);
      expect(res.json()).toEqual({ data: { ok: "1", ...(payload.includes("a[") ? { a: {} } : {}) }, ...clean });
    }
    const simple = await post("/form", form, "ok=1&__proto__=a&%5F%5Fproto%5F%5F=b");
    expect(simple.json()).toEqual({ data: { ok: "1" }, ...clean });
  });

  it("regression: ?__proto__=a&__proto__=b leaves no own __proto__ key in the query", async () => {
    for (const search of ["__proto__=a&__proto__=b&ok=1", "%5F%5Fproto%5F%5F=a&%5F_proto__=b&ok=1"]) {
      const res = await send(base, "GET", `/query-assign?${search}`);
      expect(res.status).toBe(200);
      expect(res.json()).toEqual({ keys: ["ok"], plainPrototype: true });
    }
    // Query values are strings: constructor and prototype keys are kept as data.
    const kept = await send(base, "GET", "/query?constructor=a&prototype=b&constructor[prototype][p]=1");
    expect(kept.json()).toEqual({
      data: { constructor: "a", prototype: "b", "constructor[prototype][p]": "1" },
      ...clean,
    });
  });

  it("regression: a multipart field or file named __proto__ is dropped", async () => {
    const boundary = "XyZ";
    const part = (disposition: string, value: string) =>
      `--${boundary}\r\nContent-Disposition: ${disposition}\r\n\r\n${value}\r\n`;
    const payload =
      part('form-data; name="__proto__"', "a") +
      part('form-data; name="__proto__"; filename="x.txt"', "file") +
      part('form-data; name="constructor"', "kept") +
      part('form-data; name="ok"', "1") +
      `--${boundary}--\r\n`;
    const res = await post("/upload", { "Content-Type": `multipart/form-data; boundary=${boundary}` }, payload);
    expect(res.status).toBe(200);
    expect(res.json()).toEqual({ fields: ["constructor", "ok"], files: [], assignedPrototype: true });
  });

  it("regression: a cookie named __proto__ is dropped", async () => {
    const res = await send(base, "GET", "/cookies", { headers: { Cookie: "__proto__=a; ok=1; constructor=c" } });
    expect(res.status).toBe(200);
    expect(res.json()).toEqual({ keys: ["ok", "constructor"], proto: null, has: false, assignedPrototype: true });
  });
});

describe("stripPrototypeKeys(value, text?) and parseJson(text, depth?)", () => {
  it("strips at any depth, in arrays too, and leaves other values alone", () => {
    const value = JSON.parse('[{"__proto__":1,"a":[{"constructor":{"prototype":{}}}]},"s",null]') as unknown;
    expect(stripPrototypeKeys(value)).toEqual([{ a: [{}] }, "s", null]);
    expect(stripPrototypeKeys("text")).toBe("text");
  });

  it("does not walk a value whose text cannot spell a prototype key", () => {
    // Not walked: the own key built after parsing is not in the text.
    const value = JSON.parse('{"a":1}') as Bag;
    Object.defineProperty(value, "__proto__", { value: 1, enumerable: true, configurable: true });
    expect(Object.keys(stripPrototypeKeys(value, '{"a":1}'))).toEqual(["a", "__proto__"]);
    expect(Object.keys(stripPrototypeKeys(value, '{"a":1,"\\u005f":2}'))).toEqual(["a"]);
  });

  it("ends on a value with cycles", () => {
    const value: Bag = { a: {} };
    (value.a as Bag).self = value;
    expect(stripPrototypeKeys(value)).toBe(value);
  });

  it("parses with the body rules: escaped keys stripped, depth refused, malformed refused", () => {
    expect(parseJson('{"\\u005f_proto__":{"p":1},"n":1}')).toEqual({ n: 1 });
    expect(() => parseJson("[".repeat(65) + "]".repeat(65))).toThrow(
      expect.objectContaining({ status: 400, code: "AEX_BODY_TOO_DEEP" }),
    );
    expect(() => parseJson("[[1]]", 1)).toThrow(expect.objectContaining({ code: "AEX_BODY_TOO_DEEP" }));
    expect(() => parseJson("{nope")).toThrow(expect.objectContaining({ status: 400, code: "AEX_BODY_INVALID" }));
  });
});
