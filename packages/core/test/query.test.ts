// @decorator-modes both: the README's @query examples.
import { Aex, http, query } from "@aex/core";
import { get, listen } from "./support/http";

describe("@query()", () => {
  class Query {
    @http("get", "/profile/:id")
    @query()
    public async id(req: any, res: any, scope: any) {
      // get /profile/111?page=20
      res.json({ page: req.query.page, same: req.query === scope.query, id: scope.params.id, tags: scope.query.tags });
    }

    @http("get", "/proto")
    @query()
    public async proto(_req: any, res: any, scope: any) {
      res.json({ polluted: ({} as any).polluted ?? null, keys: Object.keys(scope.query) });
    }
  }

  let aex: Aex;
  let base: string;
  beforeAll(async () => {
    aex = new Aex().push(Query);
    base = await listen(aex);
  });
  afterAll(() => aex.close());

  it("parses the query into scope.query and req.query (README)", async () => {
    const res = await get(base, "/profile/111?page=20&tags=a&tags=b");
    expect(res.status).toBe(200);
    expect(res.json()).toEqual({ page: "20", same: true, id: "111", tags: ["a", "b"] });
  });

  it("gives an empty query when there is none", async () => {
    expect((await get(base, "/profile/1")).json()).toEqual({ same: true, id: "1" });
  });

  it("cannot reach Object.prototype through query keys; a __proto__ key is dropped", async () => {
    const res = await get(base, "/proto?__proto__[polluted]=1&constructor[prototype][polluted]=1&__proto__=x");
    expect(res.json()).toEqual({
      polluted: null,
      keys: ["__proto__[polluted]", "constructor[prototype][polluted]"],
    });
  });

  it("regression: thousands of query parameters are a 414 AEX_QUERY_TOO_LARGE, not silently cut at 1000", async () => {
    const many = Array.from({ length: 1001 }, (_, i) => `k${i}=${i}`).join("&");
    const res = await get(base, `/proto?${many}`);
    expect(res.status).toBe(414);
    expect(res.json()).toMatchObject({
      status: 414,
      code: "AEX_QUERY_TOO_LARGE",
      detail: "The query string has more than 1000 parameters",
    });
    const atLimit = await get(base, `/proto?${Array.from({ length: 1000 }, (_, i) => `k${i}=${i}`).join("&")}`);
    expect(atLimit.status).toBe(200);
    expect(atLimit.json<{ keys: string[] }>().keys).toHaveLength(1000);
  });

  it("keeps a[b][c] keys and malformed percent-escapes as they came", async () => {
    const res = await get(base, `/proto?${"a[b]".repeat(200)}=1&bad=%E0%A4%A&half=%&z%zz=1`);
    expect(res.status).toBe(200);
    expect(res.json()).toEqual({ polluted: null, keys: ["a[b]".repeat(200), "bad", "half", "z%zz"] });
  });
});

describe("limits.queryParameters", () => {
  class Small {
    @http("get", "/q")
    @query()
    q(_req: any, res: any, scope: any) {
      res.json(scope.query);
    }
  }

  it("sets how many parameters a query may have", async () => {
    const aex = new Aex({ limits: { queryParameters: 2 } }).push(Small);
    const client = aex.inject();
    expect((await client.get("/q?a=1&b=2")).json()).toEqual({ a: "1", b: "2" });
    const refused = await client.get("/q?a=1&b=2&c=3");
    expect(refused.status).toBe(414);
    expect(refused.json()).toMatchObject({ code: "AEX_QUERY_TOO_LARGE" });
    await aex.close();
  });
});
