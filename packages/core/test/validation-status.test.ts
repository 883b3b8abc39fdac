// @decorator-modes both: the validationStatus option of @body/@query/@params/@filter, checked when the decorator is called.
import { Aex, AexError, body, filter, get, params, post, query, type AexRequest, type AexResponse } from "@aex/core";
import { z } from "zod";

const Title = z.object({ title: z.string().min(1) });

class Checks {
  @post("/schema")
  @body(Title)
  schema(_req: AexRequest, res: AexResponse) {
    res.json({ ok: true });
  }

  @get("/query")
  @query(z.object({ page: z.coerce.number().int().min(1) }))
  page(_req: AexRequest, res: AexResponse) {
    res.json({ ok: true });
  }

  @get("/notes/:id")
  @params(z.object({ id: z.coerce.number().int() }))
  one(_req: AexRequest, res: AexResponse) {
    res.json({ ok: true });
  }

  @post("/filter")
  @body("json")
  @filter({ body: { title: { type: "string", required: true, minLength: 1 } } })
  filtered(_req: AexRequest, res: AexResponse) {
    res.json({ ok: true });
  }

  @post("/own-422")
  @body(Title, { validationStatus: 422 })
  own422(_req: AexRequest, res: AexResponse) {
    res.json({ ok: true });
  }

  @post("/own-400")
  @body("json")
  @filter({ body: { title: { type: "string", required: true } }, validationStatus: 400 })
  own400(_req: AexRequest, res: AexResponse) {
    res.json({ ok: true });
  }
}

type Problem = { status: number; code: string; errors: { field: string; rule: string }[]; details: { in: string } };

function setupError(run: () => unknown): AexError {
  try {
    run();
  } catch (error) {
    if (error instanceof AexError) return error;
    throw error;
  }
  throw new Error("no setup error");
}

describe("new Aex({ validationStatus }) and each check's validationStatus", () => {
  it("answers invalid data 400 by default, the problem's errors naming each field", async () => {
    const client = new Aex().push(Checks).inject();
    const res = await client.post("/schema").json({ title: "" });
    expect(res.status).toBe(400);
    expect(res.headers["content-type"]).toBe("application/problem+json; charset=utf-8");
    const problem = res.json<Problem>();
    expect(problem).toMatchObject({ status: 400, code: "AEX_VALIDATION_FAILED", details: { in: "body" } });
    expect(problem.errors.map((e) => e.field)).toEqual(["title"]);
    expect((await client.post("/filter").json({})).status).toBe(400);
    // A check's own status wins over the app's default.
    const own = await client.post("/own-422").json({ title: "" });
    expect(own.status).toBe(422);
    expect(own.json<Problem>()).toMatchObject({ status: 422, code: "AEX_VALIDATION_FAILED" });
  });

  it("answers every check's failure with the app's validationStatus: 422", async () => {
    const client = new Aex({ validationStatus: 422 }).push(Checks).inject();
    const schema = await client.post("/schema").json({ title: "" });
    expect(schema.status).toBe(422);
    expect(schema.json<Problem>()).toMatchObject({
      status: 422,
      code: "AEX_VALIDATION_FAILED",
      details: { in: "body" },
    });
    const page = await client.get("/query?page=0");
    expect(page.status).toBe(422);
    expect(page.json<Problem>()).toMatchObject({
      status: 422,
      code: "AEX_VALIDATION_FAILED",
      details: { in: "query" },
    });
    const id = await client.get("/notes/abc");
    expect(id.status).toBe(422);
    expect(id.json<Problem>()).toMatchObject({ code: "AEX_VALIDATION_FAILED", details: { in: "params" } });
    const filtered = await client.post("/filter").json({ title: "" });
    expect(filtered.status).toBe(422);
    expect(filtered.json<Problem>()).toMatchObject({
      status: 422,
      code: "AEX_FILTER_INVALID",
      details: { in: "body" },
    });
    // A malformed body is not a validation failure: still a 400.
    const malformed = await client.post("/schema").send("{oops", "application/json");
    expect(malformed.status).toBe(400);
    expect(malformed.json<Problem>()).toMatchObject({ status: 400, code: "AEX_BODY_INVALID" });
    // A check's own status wins over the app's.
    const own = await client.post("/own-400").json({});
    expect(own.status).toBe(400);
    expect(own.json<Problem>()).toMatchObject({ status: 400, code: "AEX_FILTER_INVALID" });
    // Valid data passes.
    expect((await client.post("/schema").json({ title: "Hi" })).json()).toEqual({ ok: true });
  });

  it("aex.routes() says the app's status", () => {
    expect(new Aex().push(Checks).routes()[0].validationStatus).toBe(400);
    expect(new Aex({ validationStatus: 422 }).push(Checks).routes()[0].validationStatus).toBe(422);
  });

  it("refuses a status that is not a 4xx: AEX_ERR_OPTIONS for the app, AEX_ERR_DECORATOR_ARGS for a check", () => {
    for (const status of [200, 500, 422.5, "422"]) {
      const app = setupError(() => new Aex({ validationStatus: status as number }));
      expect(app.code).toBe("AEX_ERR_OPTIONS");
      expect(app.message).toMatch(/validationStatus must be a 4xx status/);
    }
    const code = expect.objectContaining({ code: "AEX_ERR_DECORATOR_ARGS" });
    expect(() => body(Title, { validationStatus: 200 })).toThrow(code);
    expect(() => query(Title, { validationStatus: 600 })).toThrow(code);
    expect(() => params(Title, { validationStatus: 302 })).toThrow(code);
    expect(() => filter({ body: { title: { type: "string" } }, validationStatus: 500 })).toThrow(code);
  });
});
