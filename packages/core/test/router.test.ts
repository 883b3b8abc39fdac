// @decorator-modes both: the README's Router and usage without decorators.
import { Aex, get, Router } from "@aex/core";
import { get as httpGet, listen, raw, send } from "./support/http";

describe("Usage with no decorators (README)", () => {
  it("serves a Router mounted with aex.use(router.toMiddleware())", async () => {
    const aex = new Aex();
    const router = new Router();
    router.get("/", async (_req, res, scope) => {
      // request processing time started and time passed
      res.end(`Hello Aex! ${scope.time.started instanceof Date} ${scope.time.passed >= 0}`);
    });
    aex.use(router.toMiddleware());
    const server = await aex.start(0, "127.0.0.1");
    try {
      expect(server).toBe(aex.server);
      const res = await httpGet(`http://127.0.0.1:${aex.port}`, "/");
      expect(res.status).toBe(200);
      expect(res.text).toBe("Hello Aex! true true");
    } finally {
      await aex.close();
    }
  });

  it("runs handler specific middlewares in order; false ends the line", async () => {
    const aex = new Aex();
    const router = new Router();
    router.get(
      "/",
      async (_req, res, scope) => {
        res.end("Hello world! " + scope.inner.trail.join(","));
      },
      [
        async (_req, _res, scope) => {
          scope.inner.trail = ["1"];
        },
        async (_req, _res, scope) => {
          scope.inner.trail.push("2");
        },
        async (req, res, scope) => {
          scope.inner.trail.push("N");
          if (req.headers["x-stop"]) {
            res.end("stopped at N");
            return false;
          }
        },
      ],
    );
    aex.use(router.toMiddleware());
    const base = await listen(aex);
    try {
      expect((await httpGet(base, "/")).text).toBe("Hello world! 1,2,N");
      expect((await httpGet(base, "/", { "x-stop": "1" })).text).toBe("stopped at N");
    } finally {
      await aex.close();
    }
  });
});

describe("Router", () => {
  let aex: Aex;
  let base: string;
  const calls: string[] = [];

  beforeAll(async () => {
    const router = new Router();
    router.use(async (_req, _res, scope) => {
      scope.inner.viaRouter = true;
    });
    router
      .get(["/a", "/b"], async (req, res) => res.end("multi " + req.url))
      .post("/items", async (_req, res) => res.status(201).json({ created: true }))
      .put("/items/:id", async (_req, res, scope) => res.json({ put: scope.params.id }))
      .patch("/items/:id", async (req, res) => res.json({ patch: req.params.id }))
      .delete("/items/:id", async (_req, res) => res.status(204).end())
      .options("/items", async (_req, res) => res.setHeader("Allow", "GET, POST").end())
      .head("/ping", async (_req, res) => res.setHeader("X-Ping", "pong").end())
      .all("/any", async (req, res) => res.end("any " + req.method));
    router.group(
      "/api/v1",
      (api) => {
        api.get("/users/:id", async (_req, res, scope) =>
          res.json({ id: scope.params.id, router: scope.inner.viaRouter, group: scope.inner.group }),
        );
        api.group("/admin", (admin) => {
          admin.get("/stats", async (_req, res) => res.end("stats"));
        });
      },
      [
        async (_req, _res, scope) => {
          scope.inner.group = "v1";
        },
      ],
    );
    const files = new Router();
    files.get("/*path", async (_req, res, scope) => res.end("file " + scope.params.path));
    router.mount("/files", files);

    aex = new Aex();
    aex.use(async () => {
      calls.push("global");
    });
    aex.use(router.toMiddleware());
    aex.use(async () => {
      calls.push("after-router");
    });
    base = await listen(aex);
  });
  afterAll(() => aex.close());

  it.each([
    ["GET", "/a", 200, "multi /a"],
    ["GET", "/b", 200, "multi /b"],
    ["PUT", "/items/5", 200, '{"put":"5"}'],
    ["PATCH", "/items/6", 200, '{"patch":"6"}'],
    ["DELETE", "/items/7", 204, ""],
    ["POST", "/any", 200, "any POST"],
    ["GET", "/api/v1/users/9", 200, '{"id":"9","router":true,"group":"v1"}'],
    ["GET", "/api/v1/admin/stats", 200, "stats"],
    ["GET", "/files/css/site.css", 200, "file css/site.css"],
  ])("%s %s → %d", async (method, path, status, text) => {
    const res = await send(base, method, path);
    expect(res.status).toBe(status);
    expect(res.text).toBe(text);
  });

  it("POST answers 201 with JSON", async () => {
    const res = await send(base, "POST", "/items");
    expect(res.status).toBe(201);
    expect(res.json()).toEqual({ created: true });
  });

  it("OPTIONS and HEAD routes answer", async () => {
    expect((await send(base, "OPTIONS", "/items")).headers.allow).toBe("GET, POST");
    expect((await send(base, "HEAD", "/ping")).headers["x-ping"]).toBe("pong");
  });

  it("ends the global line after a match, and passes on when nothing matched", async () => {
    calls.length = 0;
    await send(base, "GET", "/a");
    expect(calls).toEqual(["global"]);
    calls.length = 0;
    const res = await send(base, "GET", "/nothing-here");
    expect(calls).toEqual(["global", "after-router"]);
    expect(res.status).toBe(404);
    expect(res.json()).toMatchObject({ status: 404, code: "AEX_NOT_FOUND" });
  });

  it("refuses new routes once compiled (AEX_ERR_ALREADY_PREPARED)", () => {
    const router = new Router();
    const middleware = router.toMiddleware();
    new Aex().use(middleware).prepare();
    expect(() => router.get("/late", async () => undefined)).toThrow(
      expect.objectContaining({ code: "AEX_ERR_ALREADY_PREPARED" }),
    );
  });

  it("refuses a handler that is not a function (AEX_ERR_MIDDLEWARE_INVALID)", () => {
    expect(() => new Router().get("/x", "nope" as never)).toThrow(
      expect.objectContaining({ code: "AEX_ERR_MIDDLEWARE_INVALID" }),
    );
  });
});

describe("routing rules", () => {
  let aex: Aex;
  let base: string;

  class Routes {
    @get("/user/me")
    me(_req: any, res: any) {
      res.end("static me");
    }
    @get("/user/:id")
    user(_req: any, res: any, scope: any) {
      res.json({ route: "param", id: scope.params.id, same: scope.params === _req.params });
    }
    @get("/user/:id/posts/:post")
    post(_req: any, res: any, scope: any) {
      res.json(scope.params);
    }
    @get("/user/*rest")
    rest(_req: any, res: any, scope: any) {
      res.end("wildcard " + scope.params.rest);
    }
    @get("/café")
    cafe(_req: any, res: any) {
      res.end("coffee");
    }
  }

  beforeAll(async () => {
    aex = new Aex({ maxParamLength: 20 }).push(Routes);
    base = await listen(aex);
  });
  afterAll(() => aex.close());

  it("prefers static over :param over *", async () => {
    expect((await httpGet(base, "/user/me")).text).toBe("static me");
    expect((await httpGet(base, "/user/12")).json()).toEqual({ route: "param", id: "12", same: true });
    expect((await httpGet(base, "/user/12/posts/3")).json()).toEqual({ id: "12", post: "3" });
    expect((await httpGet(base, "/user/12/likes/3")).text).toBe("wildcard 12/likes/3");
  });

  it("backtracks from a static prefix to a param", async () => {
    // "/user/me" is static, but "/user/meg" must still reach :id.
    expect((await httpGet(base, "/user/meg")).json()).toMatchObject({ id: "meg" });
  });

  it("decodes parameters and ignores the query string", async () => {
    const res = await httpGet(base, "/user/J%C3%BCrgen%20S?x=/user/me");
    expect(res.json()).toMatchObject({ route: "param", id: "Jürgen S" });
  });

  it("treats a trailing slash as the same route", async () => {
    expect((await httpGet(base, "/user/me/")).text).toBe("static me");
  });

  it("matches non-ASCII static routes sent percent-encoded", async () => {
    expect((await httpGet(base, "/caf%C3%A9")).text).toBe("coffee");
  });

  it("answers 400 for a malformed escape, then keeps serving", async () => {
    const res = await httpGet(base, "/user/%E0%A4%A");
    expect(res.status).toBe(400);
    expect(res.json()).toEqual({
      type: "about:blank",
      status: 400,
      title: "Bad Request",
      detail: 'Route parameter "id" is not a valid percent-encoded string',
      instance: "/user/%E0%A4%A",
      code: "AEX_PARAM_MALFORMED",
      requestId: res.headers["x-request-id"],
    });
    expect((await httpGet(base, "/user/me")).text).toBe("static me");
  });

  it("answers 414 for a parameter over maxParamLength", async () => {
    const res = await httpGet(base, "/user/" + "x".repeat(21));
    expect(res.status).toBe(414);
    expect(res.json()).toMatchObject({ status: 414, code: "AEX_PARAM_TOO_LONG" });
  });

  it("routes an absolute-form target by its path (RFC 9112 3.2.2) and refuses a target that is not a path", async () => {
    const absolute = await raw(base, "GET http://example.com/user/me HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    expect(absolute).toMatch(/^HTTP\/1.1 200/);
    expect(absolute.endsWith("static me")).toBe(true);
    const other = await raw(base, "GET ftp://example.com/user/me HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    // Node's parser passes it on (Aex's 404); Bun's refuses it itself (400).
    expect(other).toMatch(process.versions.bun === undefined ? /^HTTP\/1.1 404/ : /^HTTP\/1.1 400/);
  });

  it("does not leak params from one request to the next", async () => {
    await httpGet(base, "/user/1/posts/2");
    expect((await httpGet(base, "/user/me")).text).toBe("static me");
    expect((await httpGet(base, "/user/5")).json()).toEqual({ route: "param", id: "5", same: true });
  });
});
