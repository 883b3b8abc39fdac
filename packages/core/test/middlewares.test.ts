// @decorator-modes both: the README's middlewares beside decorated steps.
import { Aex, get, http, Router } from "@aex/core";
import { get as httpGet, listen, send } from "./support/http";

describe("global middlewares (aex.use)", () => {
  it("run in order before the route's steps; false ends the line", async () => {
    const aex = new Aex();
    aex.use(async (_req, _res, scope) => {
      scope.inner.trail = ["1"];
    });
    aex.use(async (req, res, scope) => {
      scope.inner.trail.push("2");
      if (req.headers["x-stop"]) {
        res.end("stopped by 2");
        return false;
      }
    });
    aex.use((_req, _res, scope) => {
      // A synchronous middleware works too.
      scope.inner.trail.push("N");
    });
    class Home {
      @get("/")
      home(_req: any, res: any, scope: any) {
        res.end(scope.inner.trail.join(","));
      }
    }
    aex.push(Home);
    const base = await listen(aex);
    try {
      expect((await httpGet(base, "/")).text).toBe("1,2,N");
      expect((await httpGet(base, "/", { "x-stop": "1" })).text).toBe("stopped by 2");
      const missing = await httpGet(base, "/missing");
      expect(missing.status).toBe(404);
    } finally {
      await aex.close();
    }
  });

  it("mix routers, decorated classes and middlewares in any order", async () => {
    const aex = new Aex();
    const first = new Router().get("/r1", async (_req, res) => res.end("router 1"));
    const second = new Router().get("/r2", async (_req, res, scope) => res.end("router 2 " + scope.inner.mark));
    class Decorated {
      @http("/c")
      c(_req: any, res: any, scope: any) {
        res.end("class " + scope.inner.mark);
      }
    }
    aex.use(first);
    aex.use(async (_req, _res, scope) => {
      scope.inner.mark = "marked";
    });
    aex.use(second.toMiddleware());
    aex.push(Decorated);
    const base = await listen(aex);
    try {
      expect((await httpGet(base, "/r1")).text).toBe("router 1");
      expect((await httpGet(base, "/r2")).text).toBe("router 2 marked");
      expect((await httpGet(base, "/c")).text).toBe("class marked");
      expect((await httpGet(base, "/none")).status).toBe(404);
    } finally {
      await aex.close();
    }
  });

  it("does not answer 404 when a middleware answered without returning false", async () => {
    const aex = new Aex();
    aex.use(async (_req, res) => {
      res.end("answered");
    });
    const base = await listen(aex);
    try {
      const res = await httpGet(base, "/anything");
      expect(res.status).toBe(200);
      expect(res.text).toBe("answered");
    } finally {
      await aex.close();
    }
  });

  it("uses a custom not-found handler", async () => {
    const aex = new Aex();
    aex.setNotFoundHandler(async (req, res) => {
      res.status(404).send(`<h1>No ${req.path} here</h1>`);
    });
    const base = await listen(aex);
    try {
      const res = await send(base, "GET", "/lost?x=1");
      expect(res.status).toBe(404);
      expect(res.headers["content-type"]).toBe("text/html; charset=utf-8");
      expect(res.text).toBe("<h1>No /lost here</h1>");
    } finally {
      await aex.close();
    }
  });

  it("refuses a non-function and a middleware added after prepare()", () => {
    const aex = new Aex();
    expect(() => aex.use(42 as never)).toThrow(expect.objectContaining({ code: "AEX_ERR_MIDDLEWARE_INVALID" }));
    aex.prepare();
    expect(() => aex.use(async () => undefined)).toThrow(expect.objectContaining({ code: "AEX_ERR_ALREADY_PREPARED" }));
  });
});
