import { Aex, body, del, post, put, type AexRequest, type AexResponse, type RouteScope, type Scope } from "@aex/core";
import { methodOverride } from "@aex/core/method-override";

class Notes {
  @del("/notes/:id")
  remove(req: AexRequest, res: AexResponse, scope: Scope) {
    res.json({ deleted: scope.params.id, method: req.method, originalMethod: req.originalMethod });
  }

  @put("/notes/:id")
  @body("urlencoded")
  update(_req: AexRequest, res: AexResponse, scope: RouteScope<"/notes/:id", { body: { title?: string } }>) {
    res.json({ updated: scope.params.id, title: scope.body.title });
  }

  @post("/notes/:id")
  create(_req: AexRequest, res: AexResponse) {
    res.end("posted");
  }
}

describe("methodOverride()", () => {
  const client = new Aex().use(methodOverride()).push(Notes).inject();

  it("routes a form POST with _method=DELETE to the DELETE route", async () => {
    const res = await client.post("/notes/7").send("_method=DELETE", "application/x-www-form-urlencoded").execute();
    expect(res.status).toBe(200);
    expect(res.json()).toEqual({ deleted: "7", method: "DELETE", originalMethod: "POST" });
  });

  it("hands the body it parsed to the route's @body", async () => {
    const res = await client
      .post("/notes/7")
      .send("_method=put&title=Hello", "application/x-www-form-urlencoded")
      .execute();
    expect(res.json()).toEqual({ updated: "7", title: "Hello" });
  });

  it("reads X-HTTP-Method-Override on POST", async () => {
    const res = await client.post("/notes/8").set("X-HTTP-Method-Override", "DELETE").execute();
    expect(res.json()).toMatchObject({ deleted: "8", method: "DELETE" });
  });

  it("leaves other methods alone", async () => {
    // GET stays GET: the path has no GET route, so the 405 lists the methods it has.
    const res = await client.get("/notes/8").set("X-HTTP-Method-Override", "DELETE").execute();
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe("POST, PUT, DELETE, OPTIONS");
  });

  it("leaves a POST without an override a POST", async () => {
    const res = await client.post("/notes/9").send("title=x", "application/x-www-form-urlencoded").execute();
    expect(res.text()).toBe("posted");
  });

  it.each(["GET", "CONNECT", "TRACE"])("answers 400 for an override to %s", async (method) => {
    const res = await client.post("/notes/1").set("X-HTTP-Method-Override", method).execute();
    expect(res.status).toBe(400);
    expect(res.json<{ code: string }>().code).toBe("AEX_METHOD_OVERRIDE_INVALID");
  });

  it("is off until added: a plain app routes the POST as a POST", async () => {
    const plain = new Aex().push(Notes).inject();
    const res = await plain.post("/notes/7").send("_method=DELETE", "application/x-www-form-urlencoded").execute();
    expect(res.text()).toBe("posted");
  });
});
