// @decorator-modes both: @rest and @api, which build handlers from decorators.
import { Aex, api, rest, type ICompactContext } from "@aex/core";
import { get, listen, send } from "./support/http";

class Users {
  private readonly store = new Map<string, string>([["1", "ada"]]);

  @rest("/users/:id")
  user({ res, scope }: ICompactContext) {
    res.json({ via: "decorated", id: scope.params.id, name: this.store.get(scope.params.id) ?? null });
  }

  put({ res, scope }: ICompactContext) {
    this.store.set(scope.params.id, (scope.body as { name: string }).name);
    res.json({ via: "put", id: scope.params.id, body: scope.body });
  }

  delete({ res, scope }: ICompactContext) {
    this.store.delete(scope.params.id);
    res.statusCode = 204;
    res.end();
  }
}

class Classic {
  @rest("/classic", { isCompact: false, body: { type: "json" } })
  list(_req: any, res: any) {
    res.end("list");
  }

  get(_req: any, res: any) {
    res.end("get wins over the decorated method");
  }

  post(_req: any, res: any, scope: any) {
    res.json({ posted: scope.body });
  }
}

class Notes {
  @api("/notes")
  list({ res, scope }: ICompactContext) {
    res.json({ action: "list", query: { ...scope.query }, pagination: scope.pagination });
  }

  create({ res, scope }: ICompactContext) {
    res.json({ action: "create", title: (scope.body as { title: string }).title, pagination: scope.pagination });
  }

  _secret({ res }: ICompactContext) {
    res.end("leaked");
  }

  @api("/json-notes", { body: { type: "json" } })
  jsonList({ res }: ICompactContext) {
    res.end("json list");
  }
}

describe("@rest(url, options)", () => {
  let aex: Aex;
  let base: string;
  beforeAll(async () => {
    aex = new Aex().push(Users).push(Classic);
    base = await listen(aex);
  });
  afterAll(() => aex.close());

  const form = { "Content-Type": "application/x-www-form-urlencoded" };

  it("GET falls back to the decorated method when there is no get()", async () => {
    expect((await get(base, "/users/1")).json()).toEqual({ via: "decorated", id: "1", name: "ada" });
  });

  it("calls the method named after the verb, with the body parsed", async () => {
    const res = await send(base, "PUT", "/users/2", { headers: form, body: "name=grace" });
    expect(res.json()).toEqual({ via: "put", id: "2", body: { name: "grace" } });
    expect((await get(base, "/users/2")).json()).toMatchObject({ name: "grace" });
    expect((await send(base, "DELETE", "/users/2")).status).toBe(204);
    expect((await get(base, "/users/2")).json()).toMatchObject({ name: null });
  });

  it("answers 501 for a verb the controller lacks", async () => {
    for (const method of ["POST", "PATCH"]) {
      const res = await send(base, method, "/users/1", { headers: form, body: "a=1" });
      expect(res.status).toBe(501);
      expect(res.json()).toEqual({
        type: "about:blank",
        status: 501,
        title: "Not Implemented",
        detail: `${method} /users/1 is not implemented`,
        instance: "/users/1",
        code: "AEX_NOT_IMPLEMENTED",
        requestId: res.headers["x-request-id"],
      });
    }
  });

  it("uses classic mode and the body type given", async () => {
    expect((await get(base, "/classic")).text).toBe("get wins over the decorated method");
    const res = await send(base, "POST", "/classic", {
      headers: { "Content-Type": "application/json" },
      body: '{"a":1}',
    });
    expect(res.json()).toEqual({ posted: { a: 1 } });
  });

  it("answers 400 for a malformed body", async () => {
    const res = await send(base, "POST", "/classic", { headers: { "Content-Type": "application/json" }, body: "{" });
    expect(res.status).toBe(400);
    expect(res.json()).toMatchObject({ code: "AEX_BODY_INVALID" });
  });
});

describe("@api(url, options)", () => {
  let aex: Aex;
  let base: string;
  beforeAll(async () => {
    aex = new Aex().push(Notes);
    base = await listen(aex);
  });
  afterAll(() => aex.close());

  const form = { "Content-Type": "application/x-www-form-urlencoded" };

  it("GET calls the decorated method with query and pagination", async () => {
    expect((await get(base, "/notes?page=3&limit=5&q=x")).json()).toEqual({
      action: "list",
      query: { page: "3", limit: "5", q: "x" },
      pagination: { page: 3, limit: 5, offset: 10 },
    });
  });

  it("POST calls the method named by body.action", async () => {
    const res = await send(base, "POST", "/notes?page=2", { headers: form, body: "action=create&title=hello" });
    expect(res.json()).toEqual({ action: "create", title: "hello", pagination: { page: 2, limit: 20, offset: 20 } });
  });

  it.each(["constructor", "toString", "hasOwnProperty", "__proto__", "_secret", "missing", ""])(
    "answers 501 for action %j",
    async (action) => {
      const res = await send(base, "POST", "/notes", { headers: form, body: `action=${action}` });
      expect(res.status).toBe(501);
      expect(res.json()).toMatchObject({ status: 501, code: "AEX_NOT_IMPLEMENTED" });
    },
  );

  it("answers 501 without an action, and parses JSON when asked", async () => {
    expect((await send(base, "POST", "/notes")).status).toBe(501);
    const res = await send(base, "POST", "/json-notes", {
      headers: { "Content-Type": "application/json" },
      body: '{"action":"jsonList"}',
    });
    expect(res.text).toBe("json list");
  });
});
