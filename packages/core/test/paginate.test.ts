import { Aex, body, http, inject, paginate, query } from "@aex/core";
import { get, listen, send } from "./support/http";

class Paginator {
  @http("/page/query")
  @query()
  @inject(paginate(10, "query"))
  async pageWithQuery() {
    // eslint-disable-next-line prefer-rest-params
    const [, res, scope] = arguments as unknown as [any, any, any];
    const {
      pagination: { page, limit, offset },
    } = scope;
    res.json({ page, limit, offset });
  }

  @http("post", "/page/body")
  @body()
  @inject(paginate(10, "body"))
  async pageWithBody() {
    // eslint-disable-next-line prefer-rest-params
    const [, res, scope] = arguments as unknown as [any, any, any];
    res.json(scope.pagination);
  }

  @http("/page/params/:page/:limit")
  @inject(paginate(10, "params"))
  async pageWithParams(_req: any, res: any, scope: any) {
    res.json(scope.pagination);
  }

  @http("/page/default")
  @inject(paginate())
  async pageDefault(_req: any, res: any, scope: any) {
    res.json(scope.pagination);
  }
}

describe("paginate(limit = 20, type = 'query')", () => {
  let aex: Aex;
  let base: string;
  beforeAll(async () => {
    aex = new Aex().push(Paginator);
    base = await listen(aex);
  });
  afterAll(() => aex.close());

  it.each([
    ["/page/query?page=2&limit=30", { page: 2, limit: 30, offset: 30 }],
    ["/page/query", { page: 1, limit: 10, offset: 0 }],
    ["/page/params/3/5", { page: 3, limit: 5, offset: 10 }],
    ["/page/default?page=2", { page: 2, limit: 20, offset: 20 }],
  ])("GET %s → %j", async (path, expected) => {
    expect((await get(base, path)).json()).toEqual(expected);
  });

  it("reads the body", async () => {
    const res = await send(base, "POST", "/page/body", {
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: "page=4&limit=25",
    });
    expect(res.json()).toEqual({ page: 4, limit: 25, offset: 75 });
  });

  it.each([
    ["?limit=1000000000", { page: 1, limit: 100, offset: 0 }],
    ["?page=-3&limit=-5", { page: 1, limit: 1, offset: 0 }],
    ["?page=abc&limit=2.9", { page: 1, limit: 2, offset: 0 }],
    ["?page=1e300", { page: 1000000, limit: 10, offset: 9999990 }],
    ["?page=2&page=9", { page: 2, limit: 10, offset: 10 }],
    ["?page=&limit=", { page: 1, limit: 10, offset: 0 }],
  ])("clamps hostile values: %s", async (search, expected) => {
    expect((await get(base, "/page/query" + search)).json()).toEqual(expected);
  });

  it("refuses a bad default (AEX_ERR_DECORATOR_ARGS)", () => {
    expect(() => paginate(0)).toThrow(expect.objectContaining({ code: "AEX_ERR_DECORATOR_ARGS" }));
    expect(() => paginate(10, "cookies" as never)).toThrow(expect.objectContaining({ code: "AEX_ERR_DECORATOR_ARGS" }));
  });
});
