// @decorator-modes both: the README's @filter examples.
import { Aex, body, filter, http, query } from "@aex/core";
import { get, listen, send } from "./support/http";

class User {
  private name = "Aex";
  @http("post", "/user/login")
  @body()
  @filter({
    body: {
      username: {
        type: "string",
        required: true,
        minLength: 4,
        maxLength: 20,
      },
      password: {
        type: "string",
        required: true,
        minLength: 4,
        maxLength: 64,
      },
    },
    fallbacks: {
      body: async (error: any, _req: any, res: any) => {
        res.statusCode = 422;
        res.end("Body parser failed! " + error.field);
      },
    },
  })
  public async login(req: any, res: any, scope: any) {
    res.json({ extracted: scope.extracted.body, raw: req.body });
  }

  @http("get", "/profile/:id")
  @body()
  @query()
  @filter({
    query: {
      page: {
        type: "numeric",
        required: true,
      },
    },
    params: {
      id: {
        type: "numeric",
        required: true,
      },
    },
    fallbacks: {
      params: async function (this: any, _error: any, _req: any, res: any) {
        this.name = "Alice";
        res.end("Params failed!");
      },
    },
  })
  public async id(req: any, res: any, scope: any) {
    res.json({ params: scope.extracted.params, query: scope.extracted.query, id: req.params.id, name: this.name });
  }

  @http("post", "/strict")
  @body("json")
  @filter({ body: { email: { type: "email", required: true }, age: { type: "int" } } })
  public async strict(_req: any, res: any, scope: any) {
    res.json(scope.extracted.body);
  }
}

describe("@filter({ body, query, params, fallbacks })", () => {
  let aex: Aex;
  let base: string;
  beforeAll(async () => {
    aex = new Aex().push(User);
    base = await listen(aex);
  });
  afterAll(() => aex.close());

  const form = { "Content-Type": "application/x-www-form-urlencoded" };

  it("puts valid data in scope.extracted and keeps req.body (README)", async () => {
    const res = await send(base, "POST", "/user/login", { headers: form, body: "username=alice&password=secret&x=1" });
    expect(res.status).toBe(200);
    expect(res.json()).toEqual({
      extracted: { username: "alice", password: "secret" },
      raw: { username: "alice", password: "secret", x: "1" },
    });
  });

  it("calls the body fallback for invalid data", async () => {
    const res = await send(base, "POST", "/user/login", { headers: form, body: "username=al&password=secret" });
    expect(res.status).toBe(422);
    expect(res.text).toBe("Body parser failed! username");
  });

  it("validates params and query together (README)", async () => {
    const ok = await get(base, "/profile/111?page=20");
    // numeric values are numbers in scope.extracted; req.params keeps the raw string.
    expect(ok.json()).toEqual({ params: { id: 111 }, query: { page: 20 }, id: "111", name: "Aex" });
  });

  it("runs the params fallback with `this` the controller", async () => {
    const res = await get(base, "/profile/abc?page=1");
    expect(res.text).toBe("Params failed!");
    // The fallback changed the controller: later requests see it.
    expect((await get(base, "/profile/1?page=1")).json()).toMatchObject({ name: "Alice" });
  });

  it("answers 400 naming the field when there is no fallback", async () => {
    const res = await get(base, "/profile/1?page=abc");
    expect(res.status).toBe(400);
    expect(res.headers["content-type"]).toBe("application/problem+json; charset=utf-8");
    expect(res.json()).toEqual({
      type: "about:blank",
      title: "Bad Request",
      status: 400,
      detail: "Invalid query: page must be a number",
      instance: "/profile/1",
      code: "AEX_FILTER_INVALID",
      requestId: res.headers["x-request-id"],
      details: { in: "query", field: "page", rule: "type", message: "page must be a number" },
      errors: [{ field: "page", rule: "type", message: "page must be a number" }],
    });
  });

  it("answers 400 for a missing required field, and for an empty body", async () => {
    const json = { "Content-Type": "application/json" };
    const missing = await send(base, "POST", "/strict", { headers: json, body: '{"age":3}' });
    expect(missing.status).toBe(400);
    expect(missing.json()).toMatchObject({
      code: "AEX_FILTER_INVALID",
      details: { in: "body", field: "email", rule: "required", message: "email is required" },
    });
    const empty = await send(base, "POST", "/strict", { headers: json, body: "{}" });
    expect(empty.status).toBe(400);
    expect(empty.json()).toMatchObject({ details: { in: "body", field: "email" } });
    const ok = await send(base, "POST", "/strict", { headers: json, body: '{"email":"a@b.example","age":3}' });
    expect(ok.json()).toEqual({ email: "a@b.example", age: 3 });
  });

  it("refuses a filter without rules (AEX_ERR_DECORATOR_ARGS)", () => {
    expect(() => filter({})).toThrow(expect.objectContaining({ code: "AEX_ERR_DECORATOR_ARGS" }));
  });
});
