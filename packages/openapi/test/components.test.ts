// @decorator-modes both: what @operationId, @returns, @body/@query/@params (validationStatus) and steps record, in the document.
import {
  Aex,
  api,
  body,
  filter,
  get,
  inject,
  paginate,
  post,
  put,
  query,
  rest,
  serve,
  type AexRequest,
  type AexResponse,
} from "@aex/core";
import { auth } from "@aex/auth";
import { decoratorStep, withOpenApi } from "@aex/core/plugin";
import { buildOpenApi, openapi, operationId, PROBLEM_SCHEMAS, returns } from "@aex/openapi";
import Ajv2020 from "ajv/dist/2020";
import { tmpdir } from "node:os";
import { z } from "zod";
import { realWorldApp, REALWORLD_OPTIONS } from "./support/realworld";

type Operation = {
  operationId: string;
  summary: string;
  security?: unknown[];
  parameters?: { name: string; in: string; required: boolean; schema: Record<string, unknown> }[];
  requestBody?: { content: Record<string, { schema: Record<string, unknown> }> };
  responses: Record<string, { description: string; content?: Record<string, { schema: Record<string, unknown> }> }>;
};
type Doc = {
  security?: unknown[];
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Record<string, unknown>>; securitySchemes?: Record<string, unknown> };
};

const docOf = (aex: Aex, options = {}) => buildOpenApi(aex.routes(), options) as Doc;
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const SECRET = "a-test-secret-that-is-long-enough-for-hs256";

describe("components.schemas", () => {
  it("writes a schema two operations use once, named after the first body it is", () => {
    const Note = z.object({ title: z.string(), stars: z.number().int() });
    class Notes {
      @get("/notes/:id")
      @returns(200, Note)
      getNote() {}

      @put("/notes/:id")
      @returns(200, Note)
      replaceNote() {}

      @get("/notes")
      @returns(200, z.object({ notes: z.array(Note), total: z.number().int() }))
      listNotes() {}
    }
    const doc = docOf(new Aex().push(Notes));
    const body = (path: string, method: string) =>
      doc.paths[path][method].responses["200"].content!["application/json"].schema;
    expect(body("/notes/{id}", "get")).toEqual(ref("GetNoteResponse"));
    expect(body("/notes/{id}", "put")).toEqual(ref("GetNoteResponse"));
    // Inside another body too.
    expect(body("/notes", "get")).toMatchObject({
      properties: { notes: { type: "array", items: ref("GetNoteResponse") } },
    });
    expect(doc.components.schemas.GetNoteResponse).toMatchObject({ type: "object", required: ["title", "stars"] });
    expect(JSON.stringify(doc).match(/"stars":/g)).toHaveLength(1);
  });

  it("names a schema that names itself: zod's id, a JSON Schema's title or $id", () => {
    const Profile = z.object({ username: z.string() }).meta({ id: "Profile" });
    const Tag = { $id: "https://schemas.aex.dev/tag.json", type: "object", properties: { name: { type: "string" } } };
    class Named {
      @get("/profile")
      @returns(200, z.object({ profile: Profile }))
      profile() {}

      @get("/article")
      @returns(200, { title: "new article", type: "object", properties: { tags: { type: "array", items: Tag } } })
      article() {}
    }
    const doc = docOf(new Aex().push(Named));
    expect(Object.keys(doc.components.schemas)).toEqual(["Problem", "FieldError", "Profile", "tag", "NewArticle"]);
    expect(doc.paths["/profile"].get.responses["200"].content!["application/json"].schema).toMatchObject({
      properties: { profile: ref("Profile") },
    });
    expect(doc.paths["/article"].get.responses["200"].content!["application/json"].schema).toEqual(ref("NewArticle"));
    expect(doc.components.schemas.NewArticle).toMatchObject({ properties: { tags: { items: ref("tag") } } });
    // A $id goes, as its URI would rebase the component's own references.
    expect(doc.components.schemas.tag).toEqual({ type: "object", properties: { name: { type: "string" } } });
  });

  it("names the schemas option's schemas as given; an input that differs from the output is <Name>Input", () => {
    const Note = z.object({ title: z.string() });
    class Notes {
      @post("/notes")
      @body(Note)
      @returns(201, Note)
      create() {}
    }
    const doc = docOf(new Aex().push(Notes), { schemas: { Note, Unused: z.object({ x: z.string() }) } });
    const create = doc.paths["/notes"].post;
    expect(create.requestBody!.content["application/json"].schema).toEqual(ref("NoteInput"));
    expect(create.responses["201"].content!["application/json"].schema).toEqual(ref("Note"));
    // zod writes additionalProperties: false for what it outputs, not for what it accepts.
    expect(doc.components.schemas.Note).toMatchObject({ additionalProperties: false });
    expect(doc.components.schemas.NoteInput.additionalProperties).toBeUndefined();
    // A schema no operation uses is not written.
    expect(doc.components.schemas.Unused).toBeUndefined();
  });

  it("numbers a name that two different schemas ask for, in document order", () => {
    class Items {
      @get("/a")
      @returns(200, { title: "Item", type: "object", properties: { a: { type: "string" } } })
      a() {}

      @get("/b")
      @returns(200, { title: "Item", type: "object", properties: { b: { type: "string" } } })
      b() {}
    }
    const doc = docOf(new Aex().push(Items));
    expect(doc.paths["/a"].get.responses["200"].content!["application/json"].schema).toEqual(ref("Item"));
    expect(doc.paths["/b"].get.responses["200"].content!["application/json"].schema).toEqual(ref("Item2"));
  });

  it("leaves data alone: a property named title, an object in default", () => {
    const schema = {
      type: "object",
      properties: { title: { type: "string" }, meta: { type: "object", default: { title: "not a name" } } },
    };
    class Data {
      @get("/data")
      @returns(200, schema)
      data() {}
    }
    const doc = docOf(new Aex().push(Data));
    expect(doc.paths["/data"].get.responses["200"].content!["application/json"].schema).toEqual(schema);
    expect(Object.keys(doc.components.schemas)).toEqual(["Problem", "FieldError"]);
  });

  it("makes a schema that refers to itself a component, its references pointing there", () => {
    const Tree = {
      type: "object",
      properties: { name: { type: "string" }, children: { type: "array", items: { $ref: "#" } } },
    };
    class Trees {
      @get("/tree")
      @returns(200, Tree)
      tree() {}
    }
    const doc = docOf(new Aex().push(Trees));
    expect(doc.paths["/tree"].get.responses["200"].content!["application/json"].schema).toEqual(ref("TreeResponse"));
    expect(doc.components.schemas.TreeResponse).toMatchObject({
      properties: { children: { items: ref("TreeResponse") } },
    });
  });
});

describe("@operationId(id) and the default operationIds", () => {
  class Notes {
    @get("/notes")
    list() {}

    @post("/notes")
    @operationId("createNote")
    create() {}

    @get("/notes/:id")
    listOne() {}
  }
  class Users {
    @get("/users")
    list() {}

    @rest("/users/:id")
    user() {}
  }

  it("defaults to the method's name in camelCase, its verb first when it has several, its controller first on a clash", () => {
    const doc = docOf(new Aex().push(Notes).push(Users));
    const ids = Object.values(doc.paths).flatMap((item) => Object.values(item).map((op) => op.operationId));
    expect(ids).toEqual([
      "notesList",
      "createNote",
      "listOne",
      "usersList",
      "getUser",
      "postUser",
      "putUser",
      "patchUser",
      "deleteUser",
    ]);
    // The summary of an operation without @summary is its id in words.
    expect(doc.paths["/notes/{id}"].get.summary).toBe("List one");
  });

  it("refuses two routes given the same @operationId: when the document is built, and at prepare() with the plugin", () => {
    class Clash {
      @get("/drafts")
      @operationId("createNote")
      drafts() {}
    }
    const code = expect.objectContaining({ code: "AEX_ERR_OPENAPI_OPERATION_ID" });
    expect(() => docOf(new Aex().push(Notes).push(Clash))).toThrow(code);
    const aex = new Aex().push(Notes).push(Clash).register(openapi());
    expect(() => aex.prepare()).toThrow(code);
  });

  it("refuses an id that is no name with AEX_ERR_DECORATOR_ARGS", () => {
    const code = expect.objectContaining({ code: "AEX_ERR_DECORATOR_ARGS" });
    expect(() => operationId("list notes")).toThrow(code);
    expect(() => operationId("")).toThrow(code);
    expect(() => operationId("2fa")).toThrow(code);
  });
});

describe("security", () => {
  it("gives public routes security: [] beside guarded ones", () => {
    class Mixed {
      @get("/public")
      open() {}

      @get("/private")
      @auth({ keys: SECRET })
      closed() {}
    }
    const doc = docOf(new Aex().push(Mixed));
    expect(doc.paths["/public"].get.security).toEqual([]);
    expect(doc.paths["/private"].get.security).toEqual([{ bearerAuth: [] }]);
    expect(doc.security).toBeUndefined();
  });

  it("says once, at the document's root, that an app with no guard needs no credentials", () => {
    class Open {
      @get("/public")
      open() {}
    }
    const doc = docOf(new Aex().push(Open));
    expect(doc.security).toEqual([]);
    expect(doc.paths["/public"].get.security).toBeUndefined();
  });
});

describe("parameters a step reads", () => {
  it("lists paginate()'s page and limit as query parameters, from @inject", () => {
    class Pages {
      @get("/notes")
      @inject(paginate(10, "query", 50))
      notes() {}

      @post("/search")
      @body("json")
      @inject(paginate(10, "body"))
      search() {}

      @api("/accounts")
      accounts() {}
    }
    const doc = docOf(new Aex().push(Pages));
    expect(doc.paths["/notes"].get.parameters).toEqual([
      {
        name: "page",
        in: "query",
        required: false,
        description: "The page, from 1",
        schema: { type: "integer", minimum: 1, maximum: 1_000_000, default: 1 },
      },
      {
        name: "limit",
        in: "query",
        required: false,
        description: "Items per page (at most 50)",
        schema: { type: "integer", minimum: 1, maximum: 50, default: 10 },
      },
    ]);
    // From the body: no query parameter.
    expect(doc.paths["/search"].post.parameters).toBeUndefined();
    expect(doc.paths["/accounts"].get.parameters!.map((p) => p.name)).toEqual(["page", "limit"]);
  });

  it("lists the parameters any step declares, with withOpenApi or decoratorStep, unless a check documents them", () => {
    const byTag = withOpenApi(() => undefined, {
      parameters: [{ name: "tag", in: "query", schema: { type: "string" }, description: "Only notes with this tag" }],
    });
    const tenant = decoratorStep("tenant", () => undefined, {
      parameters: [{ name: "X-Tenant", in: "header", required: true, schema: { type: "string" } }],
      responses: { "404": "No such tenant" },
    });
    class Notes {
      @get("/notes")
      @query(z.object({ tag: z.enum(["a", "b"]).optional() }))
      @inject(byTag)
      @inject(tenant)
      notes() {}
    }
    const notes = docOf(new Aex().push(Notes)).paths["/notes"].get;
    expect(notes.parameters).toEqual([
      { name: "tag", in: "query", required: false, schema: { type: "string", enum: ["a", "b"] } },
      { name: "X-Tenant", in: "header", required: true, schema: { type: "string" } },
    ]);
    expect(notes.responses["404"].description).toBe("No such tenant");
  });
});

describe("the answers of a route, as problem details", () => {
  it("lists @returns, the guards', the body's, validation's (at the app's validationStatus) and Aex's own", () => {
    const Note = z.object({ title: z.string() });
    class Notes {
      @post("/notes")
      @auth({ keys: SECRET })
      @body(Note)
      @returns(201, Note)
      @returns(409, undefined, "A note of that title exists")
      create() {}

      @put("/notes/:id")
      @body("json")
      @filter({ body: { title: { type: "string" } }, validationStatus: 400 })
      replace() {}

      @get("/files")
      @query(z.object({ q: z.string() }), { validationStatus: 400 })
      files() {}

      @serve("/static")
      static() {
        return tmpdir();
      }
    }
    const doc = docOf(new Aex({ validationStatus: 422 }).push(Notes));
    const create = doc.paths["/notes"].post.responses;
    expect(Object.keys(create)).toEqual(["201", "400", "401", "409", "413", "415", "422", "500", "default"]);
    const problem = (name: string) => ({ "application/problem+json": { schema: ref(name) } });
    expect(create["409"]).toEqual({ description: "A note of that title exists", content: problem("Problem") });
    expect(create["422"]).toEqual({
      description: "The body failed validation (`AEX_VALIDATION_FAILED`): `errors` names each field and rule",
      content: problem("ValidationProblem"),
    });
    // Two causes of one status: both said; a malformed body has no `errors`, so the plain problem.
    expect(create["400"]).toEqual({
      description:
        "- The credentials came twice (`AEX_AUTH_INVALID_REQUEST`)\n- The body is malformed (`AEX_BODY_INVALID`)",
      content: problem("Problem"),
    });
    expect(create["415"].description).toContain("AEX_BODY_UNSUPPORTED_TYPE");
    // A check's own status wins over the app's; a query alone is validation's.
    expect(doc.paths["/notes/{id}"].put.responses["422"]).toBeUndefined();
    expect(doc.paths["/notes/{id}"].put.responses["400"].description).toContain("AEX_FILTER_INVALID");
    expect(doc.paths["/files"].get.responses["400"].content).toEqual(problem("ValidationProblem"));
    // A route's own answers: a static file route's 404.
    expect(doc.paths["/static/{wildcard}"].get.responses["404"].description).toContain("AEX_STATIC_NOT_FOUND");
    expect(doc.components.schemas).toMatchObject(PROBLEM_SCHEMAS);
  });

  // The issue: the 400 of a validated route said `details.errors` named each field, while the
  // body has `errors` at its top. The document now describes the body Aex writes, checked here.
  it("regression: the answers Aex really sends match the schemas the document gives them", async () => {
    const aex = realWorldApp();
    const doc = buildOpenApi(aex.routes(), REALWORLD_OPTIONS) as Doc & Record<string, unknown>;
    const ajv = new Ajv2020({ strict: false });
    ajv.addSchema({ $id: "openapi.json", components: doc.components } as never);
    const check = (
      operation: Operation,
      status: number,
      res: { status: number; headers: Record<string, unknown>; json(): unknown },
    ) => {
      expect(res.status).toBe(status);
      expect(res.headers["content-type"]).toBe("application/problem+json; charset=utf-8");
      const { schema } = operation.responses[String(status)].content!["application/problem+json"];
      const validate = ajv.compile({ $ref: `openapi.json${String(schema.$ref)}` });
      const body = res.json();
      if (!validate(body)) throw new Error(`${JSON.stringify(body)}: ${ajv.errorsText(validate.errors)}`);
    };
    try {
      const client = aex.inject();
      const register = doc.paths["/users"].post;
      const invalid = await client
        .post("/users")
        .json({ user: { username: "", email: "not-an-email", password: "short" } });
      check(register, 422, invalid);
      expect(invalid.json()).toMatchObject({ status: 422, code: "AEX_VALIDATION_FAILED", details: { in: "body" } });
      expect((invalid.json() as { errors: { field: string }[] }).errors.map((e) => e.field)).toEqual([
        "user.username",
        "user.email",
        "user.password",
      ]);
      const malformed = await client.post("/users").send("{oops", "application/json");
      check(register, 400, malformed);
      expect(malformed.json()).toMatchObject({ code: "AEX_BODY_INVALID" });
      const unsupported = await client.post("/users").send("user=jake", "text/plain");
      check(register, 415, unsupported);
      const anonymous = await client.get("/user");
      check(doc.paths["/user"].get, 401, anonymous);
      expect(anonymous.json()).toMatchObject({ status: 401, code: "AEX_AUTH_MISSING" });
      const comment = await client.delete("/articles/hello/comments/one").set("authorization", "Token x.y.z");
      check(doc.paths["/articles/{slug}/comments/{id}"].delete, 401, comment);
    } finally {
      await aex.close();
    }
  });
});

describe("the RealWorld-sized app's document", () => {
  const doc = buildOpenApi(realWorldApp().routes(), REALWORLD_OPTIONS) as Doc;
  const operations = Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item).map(([method, op]) => ({ path, method, op })),
  );

  it("has RealWorld's 19 operations, each with a unique, readable operationId", () => {
    expect(operations.map(({ op }) => op.operationId)).toEqual([
      "login",
      "register",
      "current",
      "usersUpdate",
      "profile",
      "follow",
      "unfollow",
      "feed",
      "articlesList",
      "articlesCreate",
      "one",
      "articlesUpdate",
      "articlesRemove",
      "favoriteArticle",
      "unfavoriteArticle",
      "commentsList",
      "commentsCreate",
      "commentsRemove",
      "tagsList",
    ]);
  });

  it("writes each entity and envelope once, in components.schemas", () => {
    expect(Object.keys(doc.components.schemas)).toEqual([
      "Problem",
      "FieldError",
      "ValidationProblem",
      "User",
      "Profile",
      "Article",
      "Comment",
      "UserResponse",
      "ProfileResponse",
      "SingleArticleResponse",
      "MultipleArticlesResponse",
      "SingleCommentResponse",
      "MultipleCommentsResponse",
      "TagsResponse",
    ]);
    const text = JSON.stringify(doc);
    // Article's own members are written once (in its component), whatever uses it.
    expect(text.match(/"favoritesCount":/g)).toHaveLength(1);
    expect(doc.components.schemas.MultipleArticlesResponse).toMatchObject({
      properties: { articles: { type: "array", items: ref("Article") } },
    });
  });

  it("answers invalid input 422 (RealWorld's), and lists the feed's page and limit", () => {
    const validated = operations.filter(({ op }) => op.responses["422"] !== undefined).map(({ op }) => op.operationId);
    expect(validated).toEqual([
      "login",
      "register",
      "usersUpdate",
      "articlesList",
      "articlesCreate",
      "articlesUpdate",
      "commentsCreate",
      "commentsRemove",
    ]);
    expect(doc.paths["/articles/feed"].get.parameters!.map((p) => p.name)).toEqual(["page", "limit"]);
    expect(doc.paths["/users/login"].post.security).toEqual([]);
    expect(doc.paths["/articles"].get.security).toEqual([{ tokenAuth: [] }, {}]);
    expect(doc.components.securitySchemes).toEqual({
      tokenAuth: { type: "apiKey", in: "header", name: "Authorization", description: "`Authorization: Token <JWT>`" },
    });
  });
});
