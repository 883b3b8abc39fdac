// @decorator-modes both: @returns and @summary recorded per method.
import { z } from "zod";
import {
  Aex,
  AexError,
  get,
  type AexOptions,
  type AexRequest,
  type AexResponse,
  type StandardSchemaV1,
} from "@aex/core";
import { returns } from "@aex/openapi";
import { get as httpGet, listen, type TestResponse } from "./support/http";
import { lineWhere, memoryLogger } from "./support/log-lines";

const Note = z.object({ title: z.string().min(1), stars: z.number().int().min(0) });

/** A JSON Schema, as TypeBox or a hand-written schema gives it. */
const Point = {
  type: "object",
  properties: { x: { type: "integer" }, y: { type: "integer" }, at: { type: "string", format: "date-time" } },
  required: ["x", "y"],
  additionalProperties: false,
} as const;

/** A Standard Schema that answers later (an async refinement). */
const LaterNote: StandardSchemaV1<unknown, { title: string }> = {
  "~standard": {
    version: 1,
    vendor: "test",
    validate: async (value) =>
      typeof (value as { title?: unknown }).title === "string"
        ? { value: value as { title: string } }
        : { issues: [{ message: "expected a string", path: ["title"] }] },
  },
};

const bodies: Record<string, unknown> = {
  good: { title: "Milk", stars: 2 },
  extra: { title: "Milk", stars: 2, ownerPassword: "hunter2" },
  empty: { title: "", stars: 2 },
  wrong: { title: 7, stars: -1 },
};

class Notes {
  @get("/notes/:kind")
  @returns(200, Note, "The note")
  @returns(404)
  one(req: AexRequest, res: AexResponse) {
    if (req.params.kind === "missing") res.status(202).json({ anything: true });
    else res.json(bodies[req.params.kind]);
  }

  @get("/created/:kind")
  @returns(201, Note)
  created(req: AexRequest, res: AexResponse) {
    res.ok(bodies[req.params.kind], 201);
  }

  @get("/points/:x")
  @returns(200, Point)
  point(req: AexRequest, res: AexResponse) {
    const x = req.params.x === "none" ? undefined : req.params.x;
    res.json({ x, y: 2, hidden: "no" });
  }

  @get("/later/:kind")
  @returns(200, LaterNote)
  async later(req: AexRequest, res: AexResponse) {
    await Promise.resolve();
    res.json(req.params.kind === "good" ? { title: "Milk", extra: 1 } : { title: 1 });
  }

  @get("/dates")
  @returns(200, z.object({ when: z.date() }))
  dates(_req: AexRequest, res: AexResponse) {
    // z.date() has no JSON Schema: the body is written by JSON.stringify, extras kept.
    res.json({ when: new Date(0), extra: true });
  }
}

async function serve(options: AexOptions) {
  const { logger, lines } = memoryLogger();
  const aex = new Aex({ logger, ...options }).push(Notes);
  const base = await listen(aex);
  return { aex, base, lines };
}

function expectProblem(res: TestResponse): Record<string, unknown> {
  expect(res.status).toBe(500);
  expect(res.headers["content-type"]).toBe("application/problem+json; charset=utf-8");
  return res.json<Record<string, unknown>>();
}

describe("@returns(status, schema) in development (dev: true)", () => {
  let app: Awaited<ReturnType<typeof serve>>;
  beforeAll(async () => {
    app = await serve({ dev: true });
  });
  afterAll(() => app.aex.close());

  it("sends a body that matches, written by fast-json-stringify (fields the schema does not name left out)", async () => {
    const good = await httpGet(app.base, "/notes/good");
    expect(good.status).toBe(200);
    expect(good.headers["content-type"]).toBe("application/json; charset=utf-8");
    expect(good.text).toBe('{"title":"Milk","stars":2}');
    const extra = await httpGet(app.base, "/notes/extra");
    expect(extra.status).toBe(200);
    expect(extra.text).toBe('{"title":"Milk","stars":2}');
  });

  it("answers 500 AEX_RESPONSE_INVALID naming each field for a body that does not match, and logs it", async () => {
    const res = await httpGet(app.base, "/notes/wrong");
    const problem = expectProblem(res);
    expect(problem).toMatchObject({
      title: "Internal Server Error",
      status: 500,
      code: "AEX_RESPONSE_INVALID",
      instance: "/notes/wrong",
      details: { status: 200 },
      errors: [
        { field: "title", rule: "invalid_type", message: expect.stringMatching(/^title: .*string/) },
        { field: "stars", rule: "too_small", message: expect.stringMatching(/^stars: /) },
      ],
    });
    expect(problem.detail).toMatch(/^The 200 body of Notes\.one does not match its @returns schema: title: /);
    expect(res.text).not.toContain("hunter2");
    const logged = await lineWhere(app.lines, (line) => line.code === "AEX_RESPONSE_INVALID");
    expect(logged).toMatchObject({ level: 50, status: 500, url: "/notes/wrong" });
    expect(logged.msg).toContain("Notes.one");
    expect(logged.msg).toContain("title: ");
  });

  it("checks res.ok(data, status) against the schema of that status", async () => {
    const good = await httpGet(app.base, "/created/good");
    expect(good.status).toBe(201);
    expect(good.json()).toEqual({ title: "Milk", stars: 2 });
    const empty = await httpGet(app.base, "/created/empty");
    expect(expectProblem(empty)).toMatchObject({
      code: "AEX_RESPONSE_INVALID",
      errors: [{ field: "title", rule: "too_small" }],
    });
  });

  it("leaves a status without a schema alone", async () => {
    const res = await httpGet(app.base, "/notes/missing");
    expect(res.status).toBe(202);
    expect(res.json()).toEqual({ anything: true });
  });

  it("checks a JSON Schema with Ajv (fields by path, the broken keyword as rule)", async () => {
    const good = await httpGet(app.base, "/points/5");
    expect(good.status).toBe(500); // "5" is a string: the handler forgot to convert it
    expect(good.json()).toMatchObject({
      code: "AEX_RESPONSE_INVALID",
      errors: [
        { field: "hidden", rule: "additionalProperties", message: "hidden: is not a property the schema allows" },
        { field: "x", rule: "type", message: "x: must be integer" },
      ],
    });
    const missing = await httpGet(app.base, "/points/none");
    expect(missing.json()).toMatchObject({
      errors: [
        { field: "x", rule: "required", message: "x: is required" },
        { field: "hidden", rule: "additionalProperties" },
      ],
    });
  });

  it("waits for a schema that answers later", async () => {
    const good = await httpGet(app.base, "/later/good");
    expect(good.status).toBe(200);
    expect(good.json()).toEqual({ title: "Milk", extra: 1 }); // no JSON Schema known: JSON.stringify
    const bad = await httpGet(app.base, "/later/bad");
    expect(expectProblem(bad)).toMatchObject({
      code: "AEX_RESPONSE_INVALID",
      errors: [{ field: "title", rule: "schema", message: "title: expected a string" }],
    });
  });

  it("writes a body whose schema has no JSON Schema with JSON.stringify", async () => {
    const res = await httpGet(app.base, "/dates");
    expect(res.status).toBe(200);
    expect(res.json()).toEqual({ when: "1970-01-01T00:00:00.000Z", extra: true });
  });
});

describe("@returns(status, schema) outside production without dev (NODE_ENV=test)", () => {
  let app: Awaited<ReturnType<typeof serve>>;
  beforeAll(async () => {
    app = await serve({});
  });
  afterAll(() => app.aex.close());

  it("checks bodies too, and the problem names only the code (details are for dev)", async () => {
    expect(process.env.NODE_ENV).toBe("test");
    const res = await httpGet(app.base, "/notes/empty");
    const problem = expectProblem(res);
    expect(problem).toEqual({
      type: "about:blank",
      title: "Internal Server Error",
      status: 500,
      instance: "/notes/empty",
      code: "AEX_RESPONSE_INVALID",
      requestId: expect.any(String),
    });
    const logged = await lineWhere(app.lines, (line) => line.code === "AEX_RESPONSE_INVALID");
    expect(logged.msg).toContain("title: ");
  });

  it("is off with validateResponses: false", async () => {
    const { aex, base } = await serve({ validateResponses: false });
    try {
      const res = await httpGet(base, "/notes/empty");
      expect(res.status).toBe(200);
      expect(res.json()).toEqual({ title: "", stars: 2 });
    } finally {
      await aex.close();
    }
  });
});

describe("@returns(status, schema) in production (production: true)", () => {
  let app: Awaited<ReturnType<typeof serve>>;
  beforeAll(async () => {
    app = await serve({ production: true });
  });
  afterAll(() => app.aex.close());

  it("does not check bodies", async () => {
    const empty = await httpGet(app.base, "/notes/empty");
    expect(empty.status).toBe(200);
    expect(empty.text).toBe('{"title":"","stars":2}');
    const later = await httpGet(app.base, "/later/bad");
    expect(later.status).toBe(200);
    expect(later.json()).toEqual({ title: 1 });
  });

  it("writes bodies with fast-json-stringify by the schema's JSON Schema (zod's output, or the one given)", async () => {
    const extra = await httpGet(app.base, "/notes/extra");
    expect(extra.status).toBe(200);
    expect(extra.text).toBe('{"title":"Milk","stars":2}');
    // Coerced by the schema ("5" → 5 for an integer), unknown fields left out.
    const point = await httpGet(app.base, "/points/5");
    expect(point.status).toBe(200);
    expect(point.text).toBe('{"x":5,"y":2}');
  });

  it("answers 500 AEX_RESPONSE_INVALID for a body its schema cannot write", async () => {
    const res = await httpGet(app.base, "/points/seven");
    expect(expectProblem(res)).toEqual({
      type: "about:blank",
      title: "Internal Server Error",
      status: 500,
      instance: "/points/seven",
      code: "AEX_RESPONSE_INVALID",
      requestId: expect.any(String),
    });
    const logged = await lineWhere(app.lines, (line) => line.code === "AEX_RESPONSE_INVALID");
    expect(logged.msg).toContain("cannot be written by its @returns schema");
  });
});

describe("@returns(status, jsonSchema) at prepare()", () => {
  it("refuses a JSON Schema Ajv cannot compile when bodies are checked", () => {
    class Broken {
      @get("/broken")
      @returns(200, { type: "object", properties: { x: { type: "no-such-type" } } })
      broken(_req: AexRequest, res: AexResponse) {
        res.json({});
      }
    }
    const aex = new Aex({ dev: true }).push(Broken);
    expect(() => aex.prepare()).toThrow(AexError);
    expect(() => new Aex({ dev: true }).push(Broken).prepare()).toThrow(/@returns\(200\) of Broken\.broken/);
  });
});

describe("@returns(status, schema) as a step of its route", () => {
  it("records one 'returns' step per method however many @returns it has, none without a schema", () => {
    class Steps {
      @get("/two")
      @returns(200, Note)
      @returns(201, Note)
      @returns(404)
      two(_req: AexRequest, res: AexResponse) {
        res.json({});
      }

      @get("/none")
      @returns(204)
      none(_req: AexRequest, res: AexResponse) {
        res.status(204).end();
      }
    }
    const steps = new Aex()
      .push(Steps)
      .routes()
      .map((route) => [route.path, route.steps]);
    expect(steps).toEqual([
      ["/two", ["returns"]],
      ["/none", []],
    ]);
  });

  it("a subclass's @returns joins its parent's step: both statuses are checked, and the parent is left alone", async () => {
    class Parent {
      @get("/note/:kind")
      @returns(200, Note)
      note(req: AexRequest, res: AexResponse) {
        res.status(req.params.kind === "created" ? 201 : 200).json({ title: "", stars: 1 });
      }
    }
    class Child extends Parent {
      @returns(201, Note)
      override note(req: AexRequest, res: AexResponse) {
        super.note(req, res);
      }
    }
    const child = new Aex({ dev: true }).push(Child);
    expect(child.routes().map((route) => route.steps)).toEqual([["returns"]]);
    const parent = new Aex({ dev: true }).push(Parent);
    try {
      for (const path of ["/note/read", "/note/created"]) {
        const res = await child.inject().get(path);
        expect([path, res.status, res.json()]).toEqual([
          path,
          500,
          expect.objectContaining({ code: "AEX_RESPONSE_INVALID", status: 500 }),
        ]);
      }
      // The parent's own contract has no 201: that body goes out as it is.
      const created = await parent.inject().get("/note/created");
      expect(created.status).toBe(201);
      expect(created.headers["content-type"]).toBe("application/json; charset=utf-8");
      expect(created.json()).toEqual({ title: "", stars: 1 });
    } finally {
      await Promise.all([child.close(), parent.close()]);
    }
  });
});
