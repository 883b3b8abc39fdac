import { RouteTable } from "@aex/core/plugin";

// The router's contract, without HTTP: what matches what, and with which params.
describe("RouteTable", () => {
  function table(routes: [string, string][]): RouteTable<string> {
    const t = new RouteTable<string>();
    for (const [method, pattern] of routes) t.add(method, pattern, `${method} ${pattern}`);
    return t;
  }

  function find(t: RouteTable<string>, method: string, path: string) {
    const values: string[] = [];
    const entry = t.find(method, path, values);
    if (entry === null) return null;
    return { value: entry.value, params: Object.fromEntries(entry.paramNames.map((n, i) => [n, values[i]])) };
  }

  it("splits shared prefixes and still finds every route", () => {
    const t = table([
      ["GET", "/search"],
      ["GET", "/support"],
      ["GET", "/s"],
      ["GET", "/sup/:x"],
    ]);
    expect(find(t, "GET", "/search")?.value).toBe("GET /search");
    expect(find(t, "GET", "/support")?.value).toBe("GET /support");
    expect(find(t, "GET", "/s")?.value).toBe("GET /s");
    expect(find(t, "GET", "/sup/1")).toEqual({ value: "GET /sup/:x", params: { x: "1" } });
    expect(find(t, "GET", "/su")).toBeNull();
  });

  it("keeps param names per route when routes share a param position", () => {
    const t = table([
      ["GET", "/a/:x/b"],
      ["GET", "/a/:y/c"],
    ]);
    expect(find(t, "GET", "/a/1/b")?.params).toEqual({ x: "1" });
    expect(find(t, "GET", "/a/2/c")?.params).toEqual({ y: "2" });
  });

  it("lets a method's own routes beat '*' routes, and HEAD use GET", () => {
    const t = table([
      ["*", "/x"],
      ["GET", "/x"],
    ]);
    expect(find(t, "GET", "/x")?.value).toBe("GET /x");
    expect(find(t, "POST", "/x")?.value).toBe("* /x");
    expect(find(t, "HEAD", "/x")?.value).toBe("GET /x");
  });

  it("lets '*' match every path, the root included", () => {
    const t = table([["*", "*"]]);
    expect(find(t, "GET", "/")?.params).toEqual({ "*": "" });
    expect(find(t, "PUT", "/a/b/c")?.params).toEqual({ "*": "a/b/c" });
  });

  it("keeps the first registration of a duplicate", () => {
    const t = new RouteTable<string>();
    expect(t.add("GET", "/dup", "first")).toBe(true);
    expect(t.add("GET", "/dup/", "second")).toBe(false);
    expect(t.add("GET", "/w/*", "w1")).toBe(true);
    expect(t.add("GET", "/w/*", "w2")).toBe(false);
    expect(find(t, "GET", "/dup")?.value).toBe("first");
    expect(t.count).toBe(2);
  });

  it("does not match an empty param", () => {
    const t = table([["GET", "/u/:id"]]);
    expect(find(t, "GET", "/u/")).toBeNull();
    expect(find(t, "GET", "/u")).toBeNull();
  });

  it("refuses bad patterns with AEX_ERR_ROUTE_INVALID", () => {
    const t = new RouteTable<string>();
    expect(() => t.add("GET", "x", "")).toThrow(expect.objectContaining({ code: "AEX_ERR_ROUTE_INVALID" }));
    expect(() => t.add("GET", "/a/*/b", "")).toThrow(expect.objectContaining({ code: "AEX_ERR_ROUTE_INVALID" }));
    expect(() => t.add("GET", "/a/:/b", "")).toThrow(expect.objectContaining({ code: "AEX_ERR_ROUTE_INVALID" }));
  });

  it("finds one route among thousands", () => {
    const t = new RouteTable<string>();
    for (let i = 0; i < 2000; i++) t.add("GET", `/r${i}/items/:id`, `r${i}`);
    expect(find(t, "GET", "/r1500/items/42")).toEqual({ value: "r1500", params: { id: "42" } });
    expect(find(t, "GET", "/r15/items/42")).toEqual({ value: "r15", params: { id: "42" } });
    expect(find(t, "GET", "/r2000/items/42")).toBeNull();
  });
});
