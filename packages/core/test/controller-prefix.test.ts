// @decorator-modes both: @controller is a class decorator, recorded differently by the two modes.
import { Aex, AexError, controller, get, post, Router, type AexRequest, type AexResponse, type Scope } from "@aex/core";

@controller("/api")
class Notes {
  @get("/notes/:id")
  note(_req: AexRequest, res: AexResponse, scope: Scope) {
    res.json({ id: scope.params.id });
  }

  @post("/notes")
  create(_req: AexRequest, res: AexResponse) {
    res.status(201).end("created");
  }

  @get("/")
  home(_req: AexRequest, res: AexResponse) {
    res.end("api home");
  }
}

class Archive extends Notes {
  @get("/archive")
  archive(_req: AexRequest, res: AexResponse) {
    res.end("archive");
  }
}

@controller("/v2/")
class NotesV2 extends Notes {}

class Plain {
  @get("/health")
  health(_req: AexRequest, res: AexResponse) {
    res.end("ok");
  }
}

function setupError(run: () => unknown): AexError {
  try {
    run();
  } catch (error) {
    if (error instanceof AexError) return error;
    throw error;
  }
  throw new Error("no setup error");
}

describe("@controller(prefix)", () => {
  it("puts every route of the class under the prefix, and nothing at the bare paths", async () => {
    const client = new Aex().push(Notes).push(Plain).inject();
    expect((await client.get("/api/notes/7")).json()).toEqual({ id: "7" });
    expect((await client.post("/api/notes")).status).toBe(201);
    expect((await client.get("/api")).text()).toBe("api home");
    expect((await client.get("/health")).text()).toBe("ok");
    const bare = await client.get("/notes/7");
    expect(bare.status).toBe(404);
    expect(bare.json()).toMatchObject({ code: "AEX_NOT_FOUND" });
  });

  it("is inherited by a subclass, which may give its own", async () => {
    const client = new Aex().push(Archive).push(NotesV2).inject();
    expect((await client.get("/api/archive")).text()).toBe("archive");
    expect((await client.get("/api/notes/1")).json()).toEqual({ id: "1" });
    expect((await client.get("/v2/notes/2")).json()).toEqual({ id: "2" });
  });

  it("lists the full paths in aex.routes()", () => {
    const paths = new Aex({ basePath: "/v1" })
      .push(Notes)
      .routes()
      .map((route) => `${route.method} ${route.path}`);
    expect(paths).toEqual(["GET /v1/api/notes/:id", "POST /v1/api/notes", "GET /v1/api"]);
  });

  it("refuses a prefix that is no plain path with AEX_ERR_DECORATOR_ARGS", () => {
    for (const bad of ["api", "/api/*", "/tenants/:tenant", "", 7]) {
      expect(setupError(() => controller(bad as string)).code).toBe("AEX_ERR_DECORATOR_ARGS");
    }
  });
});

describe("new Aex({ basePath })", () => {
  it("puts every route of the app's controllers and routers under the base path", async () => {
    const router = new Router();
    router.get("/r/:name", async (_req, res, scope) => res.end(`router ${scope.params.name}`));
    const client = new Aex({ basePath: "/v1/" }).push(Notes).push(Plain).use(router).inject();
    expect((await client.get("/v1/api/notes/3")).json()).toEqual({ id: "3" });
    expect((await client.get("/v1/health")).text()).toBe("ok");
    expect((await client.get("/v1/r/ann")).text()).toBe("router ann");
    expect((await client.get("/health")).status).toBe(404);
    expect((await client.get("/r/ann")).status).toBe(404);
  });

  it("refuses a base path with a parameter or a wildcard with AEX_ERR_OPTIONS", () => {
    for (const basePath of ["/:tenant", "api", "/x/*"]) {
      expect(setupError(() => new Aex({ basePath })).message).toMatch(/basePath must be a path such as "\/api"/);
    }
  });
});
