// @decorator-modes both: @body/@query/@params with schemas.
import {
  Aex,
  body,
  filter,
  get,
  http,
  params,
  post,
  query,
  type AexRequest,
  type AexResponse,
  type ScopeWith,
} from "@aex/core";
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import * as v from "valibot";
import { z } from "zod";
import { get as httpGet, listen, send } from "./support/http";

const Note = z.object({
  title: z.string().min(1).max(20),
  stars: z.number().int().min(0).default(0),
  author: z.object({ name: z.string(), email: z.email() }),
  tags: z.array(z.string()).max(3).optional(),
});
type Note = z.output<typeof Note>;

class Notes {
  @post("/zod")
  @body(Note)
  create(_req: AexRequest, res: AexResponse, scope: ScopeWith<{ body: Note }>) {
    res.json({ title: scope.body.title, stars: scope.body.stars, author: scope.body.author.name });
  }

  @get("/notes/:id")
  @params(z.object({ id: z.coerce.number().int().positive() }))
  @query(z.object({ page: z.coerce.number().int().min(1).default(1), sort: z.enum(["asc", "desc"]).optional() }))
  one(req: AexRequest, res: AexResponse, scope: ScopeWith<{ params: { id: number }; query: { page: number } }>) {
    res.json({ id: scope.params.id, page: scope.query.page, rawId: req.params.id });
  }

  @post("/valibot")
  @body(v.object({ name: v.pipe(v.string(), v.minLength(2)), age: v.pipe(v.number(), v.integer()) }))
  valibot(_req: AexRequest, res: AexResponse, scope: ScopeWith<{ body: { name: string; age: number } }>) {
    res.json(scope.body);
  }

  @post("/async")
  @body(z.object({ code: z.string() }).refine(async (value) => value.code === "open", { message: "wrong code" }))
  async(_req: AexRequest, res: AexResponse, scope: ScopeWith<{ body: { code: string } }>) {
    res.json(scope.body);
  }

  @http("post", "/filter")
  @body("json")
  @filter({
    body: z.object({ n: z.coerce.number() }),
    fallbacks: {
      body: async (failure, _req, res) => {
        res.statusCode = 422;
        res.json({ fallback: failure.in, field: failure.field, rule: failure.rule });
      },
    },
  })
  filtered(req: AexRequest, res: AexResponse, scope: ScopeWith<{ body: unknown }>) {
    res.json({ extracted: scope.extracted.body, raw: req.body });
  }
}

const json = { "Content-Type": "application/json" };

describe("@body(schema), @query(schema), @params(schema) and @filter({ body: schema })", () => {
  let aex: Aex;
  let base: string;
  beforeAll(async () => {
    aex = new Aex().push(Notes);
    base = await listen(aex);
  });
  afterAll(() => aex.close());

  it("@body(zod) parses the JSON body into scope.body, defaults applied", async () => {
    const res = await send(base, "POST", "/zod", {
      headers: json,
      body: JSON.stringify({ title: "Hi", author: { name: "Ann", email: "ann@example.com" } }),
    });
    expect(res.status).toBe(200);
    expect(res.json()).toEqual({ title: "Hi", stars: 0, author: "Ann" });
  });

  it("@body(zod) answers 400 AEX_VALIDATION_FAILED naming each field and rule, not the value", async () => {
    const res = await send(base, "POST", "/zod", {
      headers: json,
      body: JSON.stringify({ title: "", stars: 1.5, author: { name: "Ann", email: "secret-not-an-email" } }),
    });
    expect(res.status).toBe(400);
    const answer = res.json<{
      status: number;
      code: string;
      details: { in: string };
      errors: { field: string; rule: string; message: string }[];
    }>();
    expect(answer.status).toBe(400);
    expect(answer.code).toBe("AEX_VALIDATION_FAILED");
    expect(answer.details).toEqual({ in: "body" });
    expect(answer.errors.map((e) => [e.field, e.rule])).toEqual([
      ["title", "too_small"],
      ["stars", "invalid_type"],
      ["author.email", "invalid_format"],
    ]);
    for (const e of answer.errors) expect(e.message.startsWith(`${e.field}: `)).toBe(true);
    expect(res.text).not.toContain("secret-not-an-email");
  });

  it("@body(zod) answers 400 for a body that is not an object, and keeps serving", async () => {
    const res = await send(base, "POST", "/zod", { headers: json, body: "[1,2]" });
    expect(res.status).toBe(400);
    expect(res.json()).toMatchObject({
      status: 400,
      code: "AEX_VALIDATION_FAILED",
      details: { in: "body" },
      errors: [{ field: "(root)" }],
    });
    const bad = await send(base, "POST", "/zod", { headers: json, body: "{oops" });
    expect(bad.status).toBe(400);
    expect(bad.json()).toMatchObject({ code: "AEX_BODY_INVALID" });
  });

  it("@params and @query coerce into scope.params and scope.query; req.params stays raw", async () => {
    const res = await httpGet(base, "/notes/42?page=3");
    expect(res.status).toBe(200);
    expect(res.json()).toEqual({ id: 42, page: 3, rawId: "42" });
    expect((await httpGet(base, "/notes/42")).json()).toEqual({ id: 42, page: 1, rawId: "42" });
  });

  it("@params and @query refuse bad values with 400 AEX_VALIDATION_FAILED", async () => {
    const p = await httpGet(base, "/notes/-1");
    expect(p.status).toBe(400);
    expect(p.json()).toMatchObject({
      status: 400,
      code: "AEX_VALIDATION_FAILED",
      details: { in: "params" },
      errors: [{ field: "id", rule: "too_small" }],
    });
    const q = await httpGet(base, "/notes/1?sort=up");
    expect(q.status).toBe(400);
    expect(q.json()).toMatchObject({
      code: "AEX_VALIDATION_FAILED",
      details: { in: "query" },
      errors: [{ field: "sort", rule: "invalid_value" }],
    });
  });

  it("@body(valibot) works through the same interface", async () => {
    for (const path of ["/valibot"]) {
      const ok = await send(base, "POST", path, { headers: json, body: '{"name":"Al","age":3,"x":1}' });
      expect(ok.status).toBe(200);
      expect(ok.json()).toMatchObject({ name: "Al", age: 3 });
      const bad = await send(base, "POST", path, { headers: json, body: '{"name":"A","age":3.5}' });
      expect(bad.status).toBe(400);
      const answer = bad.json<{ code: string; details: { in: string }; errors: { field: string }[] }>();
      expect(answer.code).toBe("AEX_VALIDATION_FAILED");
      expect(answer.details).toEqual({ in: "body" });
      expect(answer.errors.map((e) => e.field).sort()).toEqual(["age", "name"]);
    }
  });

  it("@body(arktype) works through the same interface (plain node: ArkType is ES modules only)", () => {
    // The fixture imports the built package: `pnpm build` (or scripts/test.mjs) first.
    const out = execFileSync(process.execPath, [join(__dirname, "fixtures/arktype-app.mjs")], { encoding: "utf8" });
    const [ok, bad] = JSON.parse(out) as {
      status: number;
      body: { code?: string; details?: { in: string }; errors?: { field: string }[] };
    }[];
    expect(ok).toEqual({ status: 200, body: { name: "Al", age: 3 } });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe("AEX_VALIDATION_FAILED");
    expect(bad.body.details).toEqual({ in: "body" });
    expect(bad.body.errors?.map((e) => e.field).sort()).toEqual(["age", "name"]);
  });

  it("runs an asynchronous schema", async () => {
    const ok = await send(base, "POST", "/async", { headers: json, body: '{"code":"open"}' });
    expect(ok.json()).toEqual({ code: "open" });
    const bad = await send(base, "POST", "/async", { headers: json, body: '{"code":"shut"}' });
    expect(bad.status).toBe(400);
    expect(bad.json()).toMatchObject({
      status: 400,
      code: "AEX_VALIDATION_FAILED",
      details: { in: "body" },
      errors: [{ field: "(root)", message: "(root): wrong code" }],
    });
  });

  it("@filter({ body: schema }) fills scope.extracted and keeps the fallback shape", async () => {
    const ok = await send(base, "POST", "/filter", { headers: json, body: '{"n":"7"}' });
    expect(ok.json()).toEqual({ extracted: { n: 7 }, raw: { n: "7" } });
    const bad = await send(base, "POST", "/filter", { headers: json, body: '{"n":"x"}' });
    expect(bad.status).toBe(422);
    expect(bad.json()).toEqual({ fallback: "body", field: "n", rule: "invalid_type" });
  });

  it("refuses a schema argument that is not a Standard Schema (AEX_ERR_DECORATOR_ARGS)", () => {
    expect(() => params({} as never)).toThrow(expect.objectContaining({ code: "AEX_ERR_DECORATOR_ARGS" }));
  });
});
