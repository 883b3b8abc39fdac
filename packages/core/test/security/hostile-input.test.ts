import { gzipSync } from "node:zlib";
import { Aex, body, formdata, get, post, query, type AexRequest, type AexResponse, type Scope } from "@aex/core";
import { lineWhere, memoryLogger, type LogLine } from "../support/log-lines";
import { listen, send, type TestResponse } from "../support/http";

class Inputs {
  @post("/json")
  @body("json")
  json(_req: AexRequest, res: AexResponse, scope: Scope) {
    res.json(scope.body);
  }

  @post("/form")
  @body("urlencoded")
  form(_req: AexRequest, res: AexResponse, scope: Scope) {
    res.json(scope.body);
  }

  @post("/extended")
  @body("urlencoded", { extended: true })
  extended(_req: AexRequest, res: AexResponse, scope: Scope) {
    res.json(scope.body);
  }

  @post("/upload")
  @formdata()
  upload(_req: AexRequest, res: AexResponse, scope: Scope) {
    res.json({ body: scope.body, files: Object.keys(scope.files) });
  }

  @get("/query")
  @query()
  query(_req: AexRequest, res: AexResponse, scope: Scope) {
    res.json(scope.query);
  }

  @get("/cookies")
  cookies(req: AexRequest, res: AexResponse) {
    res.json({ count: Object.keys(req.cookies.getAll()).length });
  }
}

const JSON_TYPE = { "Content-Type": "application/json" };
const FORM_TYPE = { "Content-Type": "application/x-www-form-urlencoded" };
const multipart = (parameters: string) => ({ "Content-Type": `multipart/form-data; ${parameters}` });
const onePart = `--a\r\nContent-Disposition: form-data; name="f"\r\n\r\nv\r\n--a--\r\n`;
const notUtf8 = Buffer.from('{"a":"\xff"}', "latin1");

describe("hostile input to every parser: a readable 4xx, logged, and the server keeps serving", () => {
  let aex: Aex;
  let base: string;
  let lines: LogLine[];
  beforeAll(async () => {
    const memory = memoryLogger();
    lines = memory.lines;
    aex = new Aex({ logger: memory.logger }).push(Inputs);
    base = await listen(aex);
  });
  afterAll(() => aex.close());

  /** The answer is a problem of `status` and `code` (type about:blank), logged at info with its request id. */
  async function refused(res: TestResponse, status: number, code: string, detail?: string): Promise<void> {
    expect(res.status).toBe(status);
    expect(res.headers["content-type"]).toBe("application/problem+json; charset=utf-8");
    expect(res.json()).toMatchObject({ type: "about:blank", status, code, ...(detail ? { detail } : {}) });
    const id = res.headers["x-request-id"];
    expect(await lineWhere(lines, (line) => line.reqId === id)).toMatchObject({ level: 30, status, code });
    const ok = await send(base, "POST", "/json", { headers: JSON_TYPE, body: '{"still":"serving"}' });
    expect(ok.json()).toEqual({ still: "serving" });
  }

  const post = (path: string, headers: Record<string, string>, payload: string | Buffer) =>
    send(base, "POST", path, { headers, body: payload });

  it("regression: JSON that is not UTF-8 is 400, on the fast path and gzipped (it was turned into U+FFFD)", async () => {
    await refused(await post("/json", JSON_TYPE, notUtf8), 400, "AEX_BODY_INVALID", "The JSON body is not valid UTF-8");
    const gzipped = await post("/json", { ...JSON_TYPE, "Content-Encoding": "gzip" }, gzipSync(notUtf8));
    await refused(gzipped, 400, "AEX_BODY_INVALID", "The JSON body is not valid UTF-8");
  });

  it("regression: application/JSON; charset=UTF-16 is 415 with a problem type of about:blank (it was body-parser's entity.verify.failed)", async () => {
    const res = await post(
      "/json",
      { "Content-Type": "application/JSON; charset=UTF-16" },
      Buffer.from("{}", "utf16le"),
    );
    await refused(
      res,
      415,
      "AEX_BODY_UNSUPPORTED_ENCODING",
      'unsupported charset "UTF-16": JSON is read as UTF-8 only',
    );
    await refused(
      await post("/json", { "Content-Type": "application/json; charset=klingon" }, "{}"),
      415,
      "AEX_BODY_UNSUPPORTED_ENCODING",
    );
    const deep = await post(
      "/json",
      { ...JSON_TYPE, "Content-Encoding": "gzip" },
      gzipSync("[".repeat(65) + "]".repeat(65)),
    );
    await refused(deep, 400, "AEX_BODY_TOO_DEEP");
  });

  it("regression: a Content-Type that is malformed or repeats a parameter is 400 (parsers disagree on which one counts)", async () => {
    await refused(
      await post("/json", { "Content-Type": "application/json; charset=utf-8; charset=utf-16" }, "{}"),
      400,
      "AEX_BODY_INVALID",
    );
    await refused(await post("/json", { "Content-Type": "application/json; ===" }, "{}"), 400, "AEX_BODY_INVALID");
    // busboy read the first boundary, a proxy may read the last: the same bytes, two bodies.
    await refused(await post("/upload", multipart("boundary=a; boundary=b"), onePart), 400, "AEX_FORMDATA_INVALID");
    await refused(await post("/upload", multipart("boundary=b; BOUNDARY=a"), onePart), 400, "AEX_FORMDATA_INVALID");
  });

  // The reader decodes and checks in one pass (a fatal TextDecoder): each way bytes can fail to be
  // UTF-8 is refused, and a replacement character the client really sent is kept.
  it.each([
    ["a surrogate (ED A0 80)", [0xed, 0xa0, 0x80]],
    ["an overlong slash (C0 AF)", [0xc0, 0xaf]],
    ["a 4-byte sequence cut short before a letter (F0 90 80 41)", [0xf0, 0x90, 0x80, 0x41]],
    ["a code point past U+10FFFF (F4 90 80 80)", [0xf4, 0x90, 0x80, 0x80]],
    ["a lone continuation byte (80)", [0x80]],
  ])("JSON with %s in a string is 400 AEX_BODY_INVALID", async (_name, bytes) => {
    const body = Buffer.concat([Buffer.from('{"a":"'), Buffer.from(bytes), Buffer.from('"}')]);
    await refused(await post("/json", JSON_TYPE, body), 400, "AEX_BODY_INVALID", "The JSON body is not valid UTF-8");
  });

  it("keeps a U+FFFD the client sent (EF BF BD is valid UTF-8)", async () => {
    const body = Buffer.from('{"a":"x\uFFFDy"}', "utf8");
    expect(body.includes(Buffer.from([0xef, 0xbf, 0xbd]))).toBe(true);
    const res = await post("/json", JSON_TYPE, body);
    expect(res.status).toBe(200);
    expect(res.json()).toEqual({ a: "x\uFFFDy" });
  });

  it("takes odd but valid JSON: casing, spaces, a quoted charset, a BOM, repeated keys (the last wins)", async () => {
    const odd = await post("/json", { "Content-Type": 'Application/Json ; Charset="UTF-8"' }, '{"a":1}');
    expect(odd.json()).toEqual({ a: 1 });
    expect((await post("/json", JSON_TYPE, '\uFEFF{"a":1}')).json()).toEqual({ a: 1 });
    expect((await post("/json", JSON_TYPE, '{"a":1,"a":2}')).json()).toEqual({ a: 2 });
  });

  it("refuses compressed bombs, unknown encodings and too many or too deep form parameters", async () => {
    const bomb = gzipSync(`{"a":"${"0".repeat(5_000_000)}"}`);
    await refused(await post("/json", { ...JSON_TYPE, "Content-Encoding": "gzip" }, bomb), 413, "AEX_BODY_TOO_LARGE");
    await refused(
      await post("/json", { ...JSON_TYPE, "Content-Encoding": "x-foo" }, "{}"),
      415,
      "AEX_BODY_UNSUPPORTED_ENCODING",
    );
    const many = Array.from({ length: 1001 }, (_, i) => `k${i}=1`).join("&");
    await refused(await post("/form", FORM_TYPE, many), 413, "AEX_BODY_TOO_LARGE");
    await refused(await post("/extended", FORM_TYPE, `a${"[b]".repeat(40)}=1`), 400, "AEX_BODY_INVALID");
    const escapes = await post("/form", FORM_TYPE, "a=%E0%A4%A&b=%&c=%zz");
    expect(escapes.json()).toEqual({ a: "%E0%A4%A", b: "%", c: "%zz" });
  });

  it("refuses multipart without a usable boundary, with huge part headers, or malformed; takes nested multipart as a field", async () => {
    await refused(await post("/upload", { "Content-Type": "multipart/form-data" }, "x"), 400, "AEX_FORMDATA_INVALID");
    await refused(await post("/upload", multipart("boundary="), onePart), 400, "AEX_FORMDATA_INVALID");
    const huge = `--a\r\nContent-Disposition: form-data; name="f"\r\nX-Big: ${"y".repeat(20_000)}\r\n\r\nv\r\n--a--\r\n`;
    await refused(await post("/upload", multipart("boundary=a"), huge), 400, "AEX_FORMDATA_INVALID");
    await refused(
      await post("/upload", multipart("boundary=a"), "--a\r\n\r\nv\r\n--a--\r\n"),
      400,
      "AEX_FORMDATA_INVALID",
    );
    const inner = '--b\r\nContent-Disposition: form-data; name="x"; filename="x.txt"\r\n\r\nin\r\n--b--';
    const nested = `--a\r\nContent-Disposition: form-data; name="f"\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n${inner}\r\n--a--\r\n`;
    const res = await post("/upload", multipart("boundary=a"), nested);
    expect(res.status).toBe(200);
    expect(res.json()).toEqual({ body: { f: inner }, files: [] });
  });

  it("answers a URL or Cookie header past 16 KiB with 431 (node and Bun, before Aex sees it), and takes 1500 cookies", async () => {
    expect((await send(base, "GET", `/query?a=${"x".repeat(20_000)}`)).status).toBe(431);
    expect((await send(base, "GET", "/cookies", { headers: { Cookie: `a=${"x".repeat(20_000)}` } })).status).toBe(431);
    const cookies = Array.from({ length: 1500 }, (_, i) => `c${i}=v`).join("; ");
    const many = await send(base, "GET", "/cookies", { headers: { Cookie: cookies } });
    expect(many.json()).toEqual({ count: 1500 });
  });
});
