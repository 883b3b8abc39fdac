import { tmpdir } from "node:os";
import {
  Aex,
  api,
  assets,
  body,
  compact,
  headers,
  hook,
  listen as onEvent,
  paginate,
  serve,
  sse,
  del,
  error,
  filter,
  formdata,
  get,
  http,
  inject,
  params,
  patch,
  post,
  put,
  query,
  rest,
  type AexRequest,
  type AexResponse,
  type EventStream,
  type ICompactContext,
  type ScopeWith,
} from "@aex/core";
import { apiKey, auth, roles } from "@aex/auth";
import { cache } from "@aex/core/cache";
import { csrf } from "@aex/core/csrf";
import { rateLimit } from "@aex/core/rate-limit";
import { buildOpenApi, openapi, returns, summary, toYaml } from "@aex/openapi";
import { compileErrors, validate } from "@readme/openapi-parser";
import { z } from "zod";
import { get as httpGet, listen, send } from "./support/http";

const Note = z.object({ title: z.string().min(1), stars: z.number().int().min(0).default(0) });

class Notes {
  @get("/notes")
  @summary("List the notes", "Newest first.")
  @filter({ query: { page: { type: "int", min: 1 }, tag: { type: "array", items: { type: "string" } } } })
  @returns(200, z.array(Note), "The notes")
  list(_req: AexRequest, res: AexResponse) {
    res.json([]);
  }

  @post("/notes")
  @body(Note)
  @returns(201, Note)
  @returns(400)
  create(_req: AexRequest, res: AexResponse, scope: ScopeWith<{ body: z.output<typeof Note> }>) {
    res.status(201).json(scope.body);
  }

  @get("/notes/:id")
  @params(z.object({ id: z.coerce.number().int() }))
  @query(z.object({ fields: z.string().optional() }))
  one(_req: AexRequest, res: AexResponse, scope: ScopeWith<{ params: { id: number } }>) {
    res.json({ id: scope.params.id });
  }

  @put("/notes/:id")
  @body("json")
  @filter({
    params: { id: { type: "numeric", required: true } },
    body: { title: { type: "string", required: true, maxLength: 80 }, color: { type: "hexcolor" } },
  })
  replace(_req: AexRequest, res: AexResponse) {
    res.json({});
  }

  @patch("/notes/:id")
  @body("urlencoded")
  patchNote(_req: AexRequest, res: AexResponse) {
    res.json({});
  }

  @del("/notes/:id")
  @inject(() => undefined)
  @error({ Gone: { code: 1, messages: { "en-US": "Gone" } } })
  @returns(204)
  remove(_req: AexRequest, res: AexResponse) {
    res.status(204).end();
  }

  @http("post", "/upload")
  @formdata()
  upload(_req: AexRequest, res: AexResponse) {
    res.json({});
  }

  @http("get", "/files/*")
  file(_req: AexRequest, res: AexResponse) {
    res.end();
  }
}

class Users {
  @rest("/users/:id")
  user() {}

  @api("/accounts")
  accounts() {}
}

/** A plain JSON Schema (as TypeBox gives one) for @returns. */
const Report = {
  type: "object",
  properties: { id: { type: "integer" }, rows: { type: "array", items: { type: "string" } } },
  required: ["id"],
} as const;

/** Every other method decorator of @aex/core, so the document is checked with all of them. */
class Extras {
  @compact("/compact")
  @hook(async ({ scope }) => {
    scope.inner.hooked = true;
  })
  compacted({ res }: ICompactContext) {
    res.end("compact");
  }

  @get("/reports")
  @summary("Reports, a page at a time")
  @auth({ keys: "a-test-secret-that-is-long-enough-for-hs256" })
  @roles("admin")
  @inject(paginate(10, "query"))
  @cache({ ttl: 60 })
  @headers({ xFrameOptions: "DENY" })
  @returns(200, { type: "array", items: Report })
  reports(_req: AexRequest, res: AexResponse) {
    res.json([]);
  }

  @post("/reports/:id")
  @apiKey({ keys: ["k_live_0123456789abcdef"] })
  @rateLimit({ limit: 10, windowMs: 60_000 })
  @body("text")
  @returns(201, Report, "Stored")
  store(_req: AexRequest, res: AexResponse) {
    res.status(201).json({ id: 1 });
  }

  @put("/raw")
  @csrf()
  @query()
  @body("raw")
  raw(_req: AexRequest, res: AexResponse) {
    res.end();
  }

  @sse("/feed", { heartbeat: 0 })
  feed(stream: EventStream) {
    stream.send("hello", {});
  }

  @serve("/static")
  files() {
    return tmpdir();
  }

  @assets("/assets")
  moreFiles() {
    return tmpdir();
  }

  @onEvent("ping")
  ping() {}
}

function app(): Aex {
  const aex = new Aex().push(Notes).push(Users).push(Extras);
  aex.register(openapi({ info: { title: "Fixture", version: "2.0.0" } }));
  return aex;
}

type Doc = {
  openapi: string;
  info: { title: string };
  tags: { name: string }[];
  paths: Record<string, Record<string, Record<string, unknown>>>;
};

describe("openapi(options) and aex.routes()", () => {
  let aex: Aex;
  let base: string;
  let doc: Doc;
  beforeAll(async () => {
    aex = app();
    base = await listen(aex);
    const res = await httpGet(base, "/openapi.json");
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toBe("application/json; charset=utf-8");
    doc = res.json<Doc>();
  });
  afterAll(() => aex.close());

  it("aex.routes() lists method, path, controller, handler and step names", () => {
    const routes = aex.routes();
    expect(routes.find((r) => r.path === "/notes" && r.method === "POST")).toMatchObject({
      controller: "Notes",
      handler: "create",
      steps: ["body(schema)", "returns"], // @returns(201, Note) is its JSON writer's step
    });
    expect(routes.find((r) => r.path === "/notes/:id" && r.method === "PUT")?.steps).toEqual(["body(json)", "filter"]);
    expect(routes.filter((r) => r.path === "/users/:id").map((r) => r.method)).toEqual([
      "GET",
      "POST",
      "PUT",
      "PATCH",
      "DELETE",
    ]);
  });

  it("generates a document that is valid OpenAPI 3.1 (@readme/openapi-parser)", async () => {
    const result = await validate(structuredClone(doc) as never);
    if (!result.valid) throw new Error(compileErrors(result));
    expect(result.valid).toBe(true);
    expect(doc.openapi).toBe("3.1.0");
    expect(doc.info.title).toBe("Fixture");
  });

  it("maps paths, parameters, @filter rules, schemas, @returns, @summary and tags", () => {
    expect(doc.tags).toEqual([{ name: "Notes" }, { name: "Users" }, { name: "Extras" }]);
    const list = doc.paths["/notes"].get;
    expect(list).toMatchObject({
      summary: "List the notes",
      description: "Newest first.",
      tags: ["Notes"],
      parameters: [
        { name: "page", in: "query", required: false, schema: { type: "integer", minimum: 1 } },
        { name: "tag", in: "query", required: false, schema: { type: "array", items: { type: "string" } } },
      ],
      responses: {
        "200": { description: "The notes", content: { "application/json": { schema: { type: "array" } } } },
      },
    });
    expect(doc.paths["/notes"].post).toMatchObject({
      requestBody: {
        required: true,
        content: {
          "application/json": {
            schema: { type: "object", properties: { title: { type: "string", minLength: 1 } }, required: ["title"] },
          },
        },
      },
      responses: { "201": {}, "400": {} },
    });
    expect(doc.paths["/notes/{id}"].get.parameters).toEqual([
      {
        name: "id",
        in: "path",
        required: true,
        schema: { type: "integer", minimum: expect.any(Number), maximum: expect.any(Number) },
      },
      { name: "fields", in: "query", required: false, schema: { type: "string" } },
    ]);
    expect(doc.paths["/notes/{id}"].put).toMatchObject({
      parameters: [{ name: "id", in: "path", schema: { type: "number", "x-aex-rule": "numeric" } }],
      requestBody: {
        content: {
          "application/json": {
            schema: {
              properties: {
                title: { type: "string", maxLength: 80 },
                color: { type: "string", "x-aex-rule": "hexcolor" },
              },
              required: ["title"],
            },
          },
        },
      },
    });
    expect(Object.keys(doc.paths["/notes/{id}/".replace(/\/$/, "")])).toEqual(["get", "put", "patch", "delete"]);
    expect(doc.paths["/notes/{id}"].patch).toMatchObject({
      requestBody: { content: { "application/x-www-form-urlencoded": { schema: {} } } },
    });
    expect(doc.paths["/notes/{id}"].delete).toMatchObject({ responses: { "204": { description: "Success" } } });
    expect(doc.paths["/files/{wildcard}"].get).toMatchObject({ parameters: [{ name: "wildcard", in: "path" }] });
    expect(Object.keys(doc.paths["/users/{id}"])).toEqual(["get", "post", "put", "patch", "delete"]);
    expect(Object.keys(doc.paths["/accounts"])).toEqual(["get", "post"]);
  });

  it("documents the routes of every other decorator (guards, caching, SSE, static files, compact)", () => {
    const extras = Object.entries(doc.paths).flatMap(([path, item]) =>
      Object.entries(item)
        .filter(([, op]) => (op.tags as string[])[0] === "Extras")
        .map(([method]) => `${method} ${path}`),
    );
    expect(extras).toEqual([
      "get /compact",
      "get /reports",
      "post /reports/{id}",
      "put /raw",
      "get /feed",
      "get /static/{wildcard}",
      "head /static/{wildcard}",
      "get /assets/{wildcard}",
      "head /assets/{wildcard}",
    ]);
    // A JSON Schema given to @returns goes in as it is; used by two operations, it is written
    // once, named after the first body it is.
    const report = { $ref: "#/components/schemas/Store201Response" };
    expect(
      (doc as unknown as { components: { schemas: Record<string, unknown> } }).components.schemas.Store201Response,
    ).toEqual(Report);
    expect(doc.paths["/reports"].get).toMatchObject({
      summary: "Reports, a page at a time",
      responses: { "200": { content: { "application/json": { schema: { type: "array", items: report } } } } },
    });
    expect(doc.paths["/reports/{id}"].post).toMatchObject({
      requestBody: { content: { "text/plain": { schema: {} } } },
      responses: { "201": { description: "Stored", content: { "application/json": { schema: report } } } },
    });
    expect(doc.paths["/raw"].put).toMatchObject({
      requestBody: { content: { "application/octet-stream": { schema: {} } } },
    });
  });

  it("documents what the guards enforce: security schemes, roles, and the answers they may give", () => {
    const components = (doc as unknown as { components: { securitySchemes: Record<string, unknown> } }).components;
    expect(components.securitySchemes).toEqual({
      bearerAuth: { type: "http", scheme: "bearer", bearerFormat: "JWT" },
      apiKey: { type: "apiKey", in: "header", name: "X-API-Key" },
    });
    // Plain reads, no asymmetric matchers: Bun's toMatchObject writes its matchers into the
    // object it checks, and `doc` is shared with the YAML test.
    const described = (responses: unknown, status: string) =>
      (responses as Record<string, { description: string }>)[status].description;
    const reports = doc.paths["/reports"].get;
    expect(reports.security).toEqual([{ bearerAuth: ["admin"] }]);
    expect(described(reports.responses, "401")).toContain("bearer token");
    expect(described(reports.responses, "403")).toContain("role");
    const store = doc.paths["/reports/{id}"].post;
    expect(store.security).toEqual([{ apiKey: [] }]);
    // The guards' answers, the body's (it reads text) and Aex's own.
    expect(Object.keys(store.responses as object).sort()).toEqual([
      "201",
      "400",
      "401",
      "413",
      "415",
      "429",
      "500",
      "default",
    ]);
    expect(described(doc.paths["/raw"].put.responses, "403")).toContain("CSRF");
    // Routes without guards require nothing, and say so beside guarded ones.
    expect(doc.paths["/compact"].get.security).toEqual([]);
  });

  it("documents an @sse route's answer as text/event-stream", () => {
    const problem = { "application/problem+json": { schema: { $ref: "#/components/schemas/Problem" } } };
    const responses = doc.paths["/feed"].get.responses as Record<string, { description: string; content: unknown }>;
    expect(Object.keys(responses)).toEqual(["200", "500", "default"]);
    expect(responses["200"]).toEqual({
      description: "Success",
      content: { "text/event-stream": { schema: { type: "string" } } },
    });
    expect(responses["500"].description).toContain("AEX_INTERNAL");
    expect(responses["500"].content).toEqual(problem);
    expect(responses.default.content).toEqual(problem);
  });

  it("lists an optional guard's requirement beside the empty one, and every scheme a guard accepts", () => {
    class Mixed {
      @get("/maybe")
      @auth({ keys: "a-test-secret-that-is-long-enough-for-hs256", optional: true, cookie: "token" })
      maybe(_req: AexRequest, res: AexResponse) {
        res.end();
      }
    }
    const mixed = buildOpenApi(new Aex().push(Mixed).routes()) as {
      paths: Record<string, Record<string, { security?: unknown }>>;
      components: { securitySchemes: Record<string, unknown> };
    };
    expect(mixed.paths["/maybe"].get.security).toEqual([{ bearerAuth: [] }, { cookie_token: [] }, {}]);
    expect(mixed.components.securitySchemes.cookie_token).toEqual({ type: "apiKey", in: "cookie", name: "token" });
  });

  // Regression: an optional guard beside a required one added `{}`, which let calls through
  // with no credentials at all; only the optional guard may be skipped.
  it("keeps a required guard in every requirement when another guard is optional", () => {
    class Both {
      @get("/both")
      @auth({ keys: "a-test-secret-that-is-long-enough-for-hs256", optional: true })
      @apiKey({ keys: ["k_live_0123456789abcdef"] })
      both(_req: AexRequest, res: AexResponse) {
        res.end();
      }
    }
    const both = buildOpenApi(new Aex().push(Both).routes()) as {
      paths: Record<string, Record<string, { security?: unknown }>>;
    };
    expect(both.paths["/both"].get.security).toEqual([{ bearerAuth: [], apiKey: [] }, { apiKey: [] }]);
  });

  it("serves the same document as YAML, and HEAD without a body", async () => {
    const yaml = await httpGet(base, "/openapi.yaml");
    expect(yaml.status).toBe(200);
    expect(yaml.headers["content-type"]).toBe("application/yaml; charset=utf-8");
    expect(yaml.text).toBe(toYaml(doc));
    expect(yaml.text).toContain('openapi: "3.1.0"\n');
    expect(yaml.text).toContain(`  "/notes/{id}":\n`);
    const head = await send(base, "HEAD", "/openapi.json");
    expect(head.status).toBe(200);
    expect(head.text).toBe("");
  });

  it("passes other requests on to the app", async () => {
    const res = await httpGet(base, "/notes");
    expect(res.status).toBe(200);
    expect(res.json()).toEqual([]);
    expect((await send(base, "POST", "/openapi.json")).status).toBe(404);
  });
});

describe("openapi(options), a plugin", () => {
  it("serves each app it is registered on its own document, at the paths it was given", async () => {
    const plugin = openapi({ jsonPath: "/api.json", yamlPath: "/api.yaml" });
    const notes = new Aex().push(Notes).register(plugin);
    const users = new Aex().push(Users).register(plugin);
    try {
      const paths = async (aex: Aex) => {
        const res = await aex.inject().get("/api.json");
        expect(res.status).toBe(200);
        expect(res.headers["content-type"]).toBe("application/json; charset=utf-8");
        return Object.keys(res.json<Doc>().paths);
      };
      expect(await paths(notes)).toContain("/notes");
      expect(await paths(users)).toEqual(["/users/{id}", "/accounts"]);
      const yaml = await users.inject().get("/api.yaml");
      expect(yaml.status).toBe(200);
      expect(yaml.headers["content-type"]).toBe("application/yaml; charset=utf-8");
      expect((await users.inject().get("/openapi.json")).status).toBe(404);
    } finally {
      await Promise.all([notes.close(), users.close()]);
    }
  });

  it("refuses a path it cannot serve with AEX_ERR_OPENAPI_OPTIONS, when called", () => {
    const code = expect.objectContaining({ code: "AEX_ERR_OPENAPI_OPTIONS" });
    expect(() => openapi({ jsonPath: "openapi.json" })).toThrow(code);
    expect(() => openapi({ yamlPath: "/docs/" })).toThrow(code);
  });
});

describe("toYaml(value)", () => {
  it("writes block YAML that quotes what YAML would misread", () => {
    expect(toYaml({ a: "yes", b: [1, { c: "x y" }], d: {}, e: [], f: true, "4xx": null })).toBe(
      'a: "yes"\nb:\n  - 1\n  - c: "x y"\nd: {}\ne: []\nf: true\n"4xx": null\n',
    );
  });
});
