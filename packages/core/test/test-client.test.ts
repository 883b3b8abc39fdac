import { readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Aex, body, formdata, get, http, post, query } from "@aex/core";
import { TestClient } from "@aex/core/testing";

class Echo {
  @http(["get", "post", "put", "patch", "delete", "options"], "/echo")
  @query()
  @body("json")
  echo(req: any, res: any, scope: any) {
    res.json({
      method: req.method,
      query: { ...scope.query },
      body: scope.body,
      header: req.headers["x-test"] ?? null,
    });
  }

  @post("/form")
  @body()
  form(_req: any, res: any, scope: any) {
    res.json(scope.body);
  }

  @post("/upload")
  @formdata()
  upload(_req: any, res: any, scope: any) {
    const files = Object.fromEntries(
      Object.entries(scope.files as Record<string, any[]>).map(([field, list]) => [
        field,
        list.map((f) => ({ name: f.filename, type: f.mimetype, text: readFileSync(f.temp, "utf8") })),
      ]),
    );
    res.json({ fields: { ...scope.body }, files });
  }

  @get("/cookie")
  cookie(req: any, res: any) {
    const n = Number(req.cookies.get("n") ?? 0) + 1;
    res.cookies.set("n", String(n));
    res.json({ n });
  }

  @get("/head")
  head(_req: any, res: any) {
    res.setHeader("X-Head", "yes");
    res.end("body");
  }
}

describe("TestClient / aex.inject()", () => {
  const aex = new Aex().push(Echo);

  it("runs every method through the pipeline without a port", async () => {
    for (const method of ["get", "post", "put", "patch", "delete", "options"] as const) {
      const client = aex.inject();
      const request = client[method]("/echo");
      const res = await request
        .query({ a: 1, tags: ["x", "y"] })
        .set("X-Test", "yes")
        .json({ m: method });
      expect(res.status).toBe(200);
      // A body is read whatever the method, GET included, as node's parser delivers it.
      expect(res.json()).toEqual({
        method: method.toUpperCase(),
        query: { a: "1", tags: ["x", "y"] },
        body: { m: method },
        header: "yes",
      });
    }
    expect(aex.server?.listening).toBe(false);
  });

  it("sends the client's own headers with every request, a request's set() winning", async () => {
    const client = aex.inject();
    client.headers.set("X-Test", "from the client");
    expect((await client.get("/echo")).json()).toMatchObject({ header: "from the client" });
    expect((await client.post("/echo").json({})).json()).toMatchObject({ header: "from the client" });
    expect((await client.get("/echo").set("x-test", "from the request")).json()).toMatchObject({
      header: "from the request",
    });
    expect((await aex.inject().get("/echo")).json()).toMatchObject({ header: null });
  });

  it("answers HEAD without a body", async () => {
    const res = await aex.inject().head("/head");
    expect(res.status).toBe(200);
    expect(res.headers["x-head"]).toBe("yes");
    expect(res.text()).toBe("");
  });

  it("sends urlencoded forms, multipart fields and files", async () => {
    expect((await aex.inject().post("/form").send({ a: "1", b: "two" })).json()).toEqual({ a: "1", b: "two" });
    const onDisk = join(tmpdir(), `aex-test-client-${process.pid}.txt`);
    writeFileSync(onDisk, "from disk");
    const res = await new TestClient(aex)
      .post("/upload")
      .formData({ title: "docs", tag: ["a", "b"] })
      .file("doc", Buffer.from("buffer content"), { filename: "a.txt", contentType: "text/plain" })
      .file("doc", { path: onDisk })
      .execute();
    expect(res.json()).toEqual({
      fields: { title: "docs", tag: ["a", "b"] },
      files: {
        doc: [
          { name: "a.txt", type: "text/plain", text: "buffer content" },
          { name: `aex-test-client-${process.pid}.txt`, type: "application/octet-stream", text: "from disk" },
        ],
      },
    });
  });

  it("keeps cookies per client", async () => {
    const client = aex.inject();
    expect((await client.get("/cookie")).json()).toEqual({ n: 1 });
    expect((await client.get("/cookie")).json()).toEqual({ n: 2 });
    expect((await aex.inject().get("/cookie")).json()).toEqual({ n: 1 });
  });

  it("gets the app's error answers", async () => {
    const res = await aex.inject().post("/echo").send("{bad", "application/json");
    expect(res.status).toBe(400);
    expect(res.json()).toMatchObject({ code: "AEX_BODY_INVALID" });
    expect((await aex.inject().get("/nowhere")).status).toBe(404);
  });
});

describe("TestClient and the handler timeout", () => {
  it("answers 503 for a handler that never answers, in-process too", async () => {
    class Silent {
      @get("/silent")
      silent() {
        // never answers
      }
    }
    const aex = new Aex({ handlerTimeout: 100 }).push(Silent);
    const res = await aex.inject().get("/silent");
    expect(res.status).toBe(503);
    expect(res.json()).toMatchObject({ code: "AEX_HANDLER_TIMEOUT" });
    await aex.close();
  });
});
