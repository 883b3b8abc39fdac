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

  it("cannot reach Object.prototype through query keys", async () => {
    const res = await get(base, "/proto?__proto__[polluted]=1&constructor[prototype][polluted]=1&__proto__=x");
    expect(res.json()).toEqual({
      polluted: null,
      keys: ["__proto__[polluted]", "constructor[prototype][polluted]", "__proto__"],
    });
  });
});
