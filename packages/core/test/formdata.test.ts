// @decorator-modes both: the README's @formdata examples.
import { existsSync, readFileSync, rmSync } from "node:fs";
import { rename } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Aex, formdata, http } from "@aex/core";
import { listen, send } from "./support/http";

const seen: { temps: string[] } = { temps: [] };

class Formdata {
  protected name = "formdata";

  @http("post", "/file/upload")
  @formdata()
  public async upload(_req: any, res: any, scope: any) {
    const { files, body } = scope;

    // Access your files
    const uploadedSingleFile = files["fieldname1"][0];
    const uploadedFileArray = files["fieldname2"];

    seen.temps = [uploadedSingleFile.temp, ...uploadedFileArray.map((f: any) => f.temp)];
    res.json({
      single: {
        filename: uploadedSingleFile.filename,
        encoding: uploadedSingleFile.encoding,
        mimetype: uploadedSingleFile.mimetype,
        size: uploadedSingleFile.size,
        content: readFileSync(uploadedSingleFile.temp, "utf8"),
        inTmp: uploadedSingleFile.temp.startsWith(tmpdir()),
      },
      array: uploadedFileArray.map((f: any) => f.filename),
      // Access none file form data
      value: body["fieldname3"],
      repeated: body["tag"],
    });
  }

  @http("post", "/small")
  @formdata({ limits: { fileSize: 10, files: 1, fields: 2 } })
  public async small(_req: any, res: any, scope: any) {
    res.json({ files: Object.keys(scope.files), body: { ...scope.body } });
  }

  @http("post", "/proto")
  @formdata()
  public async proto(_req: any, res: any, scope: any) {
    const body = scope.body as Record<string, unknown>;
    res.json({
      fields: Object.keys(body),
      proto: Object.getOwnPropertyDescriptor(body, "__proto__")?.value,
      ctor: body.constructor,
      nullPrototype: Object.getPrototypeOf(body) === null,
    });
  }

  @http("post", "/keep")
  @formdata()
  public async keep(_req: any, res: any, scope: any) {
    const target = join(tmpdir(), `aex-kept-${process.pid}-${Date.now()}`);
    await rename(scope.files.doc[0].temp, target);
    res.json({ target, left: scope.files.other[0].temp });
  }
}

function multipart(parts: string[], boundary = "XyZ"): { headers: Record<string, string>; body: string } {
  return {
    headers: { "Content-Type": `multipart/form-data; boundary=${boundary}` },
    body: parts.map((p) => `--${boundary}\r\n${p}\r\n`).join("") + `--${boundary}--\r\n`,
  };
}

const file = (field: string, filename: string, content: string) =>
  `Content-Disposition: form-data; name="${field}"; filename="${filename}"\r\nContent-Type: text/plain\r\n\r\n${content}`;
const field = (name: string, value: string) => `Content-Disposition: form-data; name="${name}"\r\n\r\n${value}`;

describe("@formdata(options?)", () => {
  let aex: Aex;
  let base: string;
  beforeAll(async () => {
    aex = new Aex().push(Formdata);
    base = await listen(aex);
  });
  afterAll(() => aex.close());

  it("puts files in scope.files and fields in scope.body (README)", async () => {
    const form = new FormData();
    form.append("fieldname1", new Blob(["hello file"], { type: "text/plain" }), "one.txt");
    form.append("fieldname2", new Blob(["a"]), "a.bin");
    form.append("fieldname2", new Blob(["b"]), "b.bin");
    form.append("fieldname3", "value 3");
    form.append("tag", "x");
    form.append("tag", "y");
    const res = await fetch(`${base}/file/upload`, { method: "POST", body: form });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      single: {
        filename: "one.txt",
        encoding: "7bit",
        mimetype: "text/plain",
        size: 10,
        content: "hello file",
        inTmp: true,
      },
      array: ["a.bin", "b.bin"],
      value: "value 3",
      repeated: ["x", "y"],
    });
  });

  it("removes temp files after the response", async () => {
    const { headers, body } = multipart([file("fieldname1", "x.txt", "x"), file("fieldname2", "y.txt", "y")]);
    expect((await send(base, "POST", "/file/upload", { headers, body })).status).toBe(200);
    expect(seen.temps).toHaveLength(2);
    // Removed after the response went out: wait for it (bounded), no fixed head start.
    await until(() => seen.temps.every((temp) => !existsSync(temp)));
    for (const temp of seen.temps) expect(existsSync(temp)).toBe(false);
  });

  it("keeps a file the handler moved", async () => {
    const { headers, body } = multipart([file("doc", "keep.txt", "kept content"), file("other", "o.txt", "other")]);
    const res = await send(base, "POST", "/keep", { headers, body });
    const { target, left } = res.json<{ target: string; left: string }>();
    // The file left in place is removed by the same clean-up: once it is gone, that ran.
    await until(() => !existsSync(left));
    expect(readFileSync(target, "utf8")).toBe("kept content");
    rmSync(target);
  });

  it("never lets a client filename choose where a file is written", async () => {
    const { headers, body } = multipart([
      file("fieldname1", "../../../../etc/evil.txt", "pwn"),
      file("fieldname2", "/tmp/evil2.txt", "pwn"),
    ]);
    const res = await send(base, "POST", "/file/upload", { headers, body });
    expect(res.status).toBe(200);
    expect(res.json()).toMatchObject({ single: { filename: "evil.txt" }, array: ["evil2.txt"] });
    for (const temp of seen.temps) expect(temp).toMatch(new RegExp(`^${tmpdir()}/aex-upload-[0-9a-f-]{36}$`));
  });

  it.each([
    ["a file over fileSize", [file("f", "big.txt", "x".repeat(11))]],
    ["too many files", [file("f", "1.txt", "1"), file("g", "2.txt", "2")]],
    ["too many fields", [field("a", "1"), field("b", "2"), field("c", "3")]],
  ])("answers 413 for %s, then keeps serving", async (_name, parts) => {
    const res = await send(base, "POST", "/small", multipart(parts));
    expect(res.status).toBe(413);
    expect(res.json()).toMatchObject({ status: 413, code: "AEX_FORMDATA_LIMIT" });
    const ok = await send(base, "POST", "/small", multipart([field("a", "1")]));
    expect(ok.json()).toEqual({ files: [], body: { a: "1" } });
  });

  it("answers 400 for a truncated body", async () => {
    const headers = { "Content-Type": "multipart/form-data; boundary=XyZ" };
    const res = await send(base, "POST", "/small", { headers, body: `--XyZ\r\n${field("a", "1")}` });
    expect(res.status).toBe(400);
    expect(res.json()).toMatchObject({ status: 400, code: "AEX_FORMDATA_INVALID" });
  });

  it("answers 400 for multipart without a boundary", async () => {
    const res = await send(base, "POST", "/small", { headers: { "Content-Type": "multipart/form-data" }, body: "x" });
    expect(res.status).toBe(400);
    expect(res.json()).toMatchObject({ status: 400, code: "AEX_FORMDATA_INVALID" });
  });

  it("gives an empty body and no files for a request that is not multipart", async () => {
    const res = await send(base, "POST", "/small", {
      headers: { "Content-Type": "application/json" },
      body: "{}",
    });
    expect(res.json()).toEqual({ files: [], body: {} });
  });

  it("regression: a field or file name longer than fieldNameSize is refused with 413, not cut by busboy", async () => {
    const long = "n".repeat(201);
    for (const parts of [[field(long, "v")], [file(long, "a.txt", "x")], [field("é".repeat(101), "v")]]) {
      const res = await send(base, "POST", "/proto", multipart(parts));
      expect(res.status).toBe(413);
      expect(res.headers.connection).toBe("close");
      expect(res.json()).toMatchObject({
        status: 413,
        code: "AEX_FORMDATA_LIMIT",
        detail: "A field name is longer than 200 bytes",
        details: { limit: "fieldNameSize", max: 200 },
      });
    }
    const atLimit = await send(base, "POST", "/proto", multipart([field("n".repeat(200), "v")]));
    expect(atLimit.status).toBe(200);
    expect(atLimit.json()).toMatchObject({ fields: ["n".repeat(200)] });
  });

  it("names the limit a 413 is about", async () => {
    const res = await send(base, "POST", "/small", multipart([file("f", "big.txt", "x".repeat(11))]));
    expect(res.json()).toMatchObject({
      detail: "A file is larger than 10 bytes",
      details: { limit: "fileSize", max: 10 },
    });
    const fields = await send(base, "POST", "/small", multipart([field("a", "1"), field("b", "2"), field("c", "3")]));
    expect(fields.json()).toMatchObject({ detail: "The body has more than 2 fields", details: { limit: "fields" } });
  });

  it("answers 400 for a part without a name (RFC 7578 4.2)", async () => {
    const res = await send(base, "POST", "/proto", multipart(["Content-Disposition: form-data\r\n\r\nv"]));
    expect(res.status).toBe(400);
    expect(res.json()).toMatchObject({
      code: "AEX_FORMDATA_INVALID",
      detail: "A part of the multipart body has no name",
    });
    const unnamedFile = await send(
      base,
      "POST",
      "/proto",
      multipart(['Content-Disposition: form-data; filename="a.txt"\r\n\r\nv']),
    );
    expect(unnamedFile.status).toBe(400);
    expect(unnamedFile.json()).toMatchObject({ code: "AEX_FORMDATA_INVALID" });
  });

  it("drops a field named __proto__ and keeps one named constructor", async () => {
    const res = await send(
      base,
      "POST",
      "/proto",
      multipart([field("__proto__", "x"), field("constructor", "y"), field("a", "1")]),
    );
    expect(res.status).toBe(200);
    expect(res.json()).toEqual({
      fields: ["constructor", "a"],
      ctor: "y",
      nullPrototype: true,
    });
    // No prototype anywhere picked the fields up.
    expect(({} as any).x).toBeUndefined();
    expect(Object.prototype.hasOwnProperty.call(Object.prototype, "a")).toBe(false);
  });
});

/** Waits until `done()` holds, checking every 10 ms, for at most 10 s. */
async function until(done: () => boolean): Promise<void> {
  for (let i = 0; i < 1000 && !done(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
}
