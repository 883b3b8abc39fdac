// @decorator-modes both: the README's HTTP method decorators.
import { Aex, compact, del, get, http, patch, post, put } from "@aex/core";
import { get as fetchGet, listen, send } from "./support/http";

// The README's "1. HTTP method decorators" class, with bodies that say who answered.
class User {
  @http("get", ["/profile", "/home"])
  profile(req: any, res: any, scope: any) {
    res.end("profile " + req.url + " " + typeof scope.time.passed);
  }

  @http(["get", "post"], "/user/login", true)
  login(ctx: any) {
    const { req, res, scope } = ctx;
    res.end("login " + req.method + " " + (scope.time.passed >= 0));
  }

  @compact(["get", "post"], "/user/login2")
  login2(ctx: any) {
    const { req, res } = ctx;
    res.end("login2 " + req.method);
  }

  @http("post", "/user/logout")
  logout(_req: any, res: any) {
    res.end("logout");
  }

  @http("/user/:id")
  info(_req: any, res: any, scope: any) {
    res.end("info " + scope.params.id);
  }

  @http(["/user/followers", "/user/subscribes"])
  followers(req: any, res: any) {
    res.end("followers " + req.url);
  }

  @get(["/user/get", "/user/gets"])
  rawget(req: any, res: any) {
    res.end("rawget " + req.url);
  }

  @post("/user/post")
  rawpost(_req: any, res: any) {
    res.end("rawpost");
  }

  @put("/user/put/:id")
  rawput(_req: any, res: any, scope: any) {
    res.end("put " + scope.params.id);
  }

  @patch("/user/patch")
  rawpatch(_req: any, res: any) {
    res.end("patch");
  }

  @del("/user/delete", true)
  rawdelete({ res }: any) {
    res.end("delete");
  }

  @http(["get", "Purge"], "/mixed")
  mixed(_req: any, res: any) {
    res.end("mixed");
  }
}

describe("@http, @get, @post, @compact", () => {
  let aex: Aex;
  let base: string;
  beforeAll(async () => {
    aex = new Aex().push(User);
    base = await listen(aex);
  });
  afterAll(() => aex.close());

  it.each([
    ["GET", "/profile", "profile /profile number"],
    ["GET", "/home", "profile /home number"],
    ["GET", "/user/login", "login GET true"],
    ["POST", "/user/login", "login POST true"],
    ["GET", "/user/login2", "login2 GET"],
    ["POST", "/user/login2", "login2 POST"],
    ["POST", "/user/logout", "logout"],
    ["GET", "/user/42", "info 42"],
    ["GET", "/user/followers", "followers /user/followers"],
    ["GET", "/user/subscribes", "followers /user/subscribes"],
    ["GET", "/user/get", "rawget /user/get"],
    ["GET", "/user/gets", "rawget /user/gets"],
    ["POST", "/user/post", "rawpost"],
    ["PUT", "/user/put/7", "put 7"],
    ["PATCH", "/user/patch", "patch"],
    ["DELETE", "/user/delete", "delete"],
    ["GET", "/mixed", "mixed"],
    ["PURGE", "/mixed", "mixed"],
    // POST-only static routes leave GET to the GET param route.
    ["GET", "/user/logout", "info logout"],
  ])("%s %s answers", async (method, path, body) => {
    const res = await send(base, method, path);
    expect(res.status).toBe(200);
    expect(res.text).toBe(body);
  });

  it.each([
    ["GET", "/user/1/extra"],
    ["DELETE", "/nowhere"],
  ])("%s %s is not routed (404)", async (method, path) => {
    const res = await send(base, method, path);
    expect(res.status).toBe(404);
    expect(res.headers["content-type"]).toBe("application/problem+json; charset=utf-8");
    expect(res.json()).toEqual({
      type: "about:blank",
      status: 404,
      title: "Not Found",
      detail: `Cannot ${method} ${path}`,
      instance: path,
      code: "AEX_NOT_FOUND",
      requestId: res.headers["x-request-id"],
    });
  });

  it.each([
    ["POST", "/profile"],
    ["POST", "/user/get"],
  ])("%s %s is not routed: 405, the path's methods in Allow", async (method, path) => {
    const res = await send(base, method, path);
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe("GET, HEAD, OPTIONS");
    expect(res.headers["content-type"]).toBe("application/problem+json; charset=utf-8");
    expect(res.json()).toEqual({
      type: "about:blank",
      status: 405,
      title: "Method Not Allowed",
      detail: `${path} does not answer ${method}`,
      instance: path,
      code: "AEX_METHOD_NOT_ALLOWED",
      requestId: res.headers["x-request-id"],
    });
  });

  it("answers HEAD with the GET handler and no body", async () => {
    const res = await send(base, "HEAD", "/user/get");
    expect(res.status).toBe(200);
    expect(res.text).toBe("");
  });

  it("calls handlers with `this` as the instance built by push()", async () => {
    class Counter {
      constructor(private readonly start: number) {}
      count = 0;
      @get("/count")
      hit(_req: any, res: any) {
        this.count++;
        res.end(String(this.start + this.count));
      }
    }
    const app = new Aex().push(Counter, 100);
    const url = await listen(app);
    try {
      expect((await fetchGet(url, "/count")).text).toBe("101");
      expect((await fetchGet(url, "/count")).text).toBe("102");
    } finally {
      await app.close();
    }
  });
});

describe("decorator arguments", () => {
  it("refuses a URL that does not start with '/' (AEX_ERR_ROUTE_INVALID)", () => {
    expect(() => http("get", "no-slash")).toThrow(expect.objectContaining({ code: "AEX_ERR_ROUTE_INVALID" }));
  });

  it("refuses an empty URL list (AEX_ERR_DECORATOR_ARGS)", () => {
    expect(() => get([] as string[])).toThrow(expect.objectContaining({ code: "AEX_ERR_DECORATOR_ARGS" }));
  });

  it("refuses a static method (AEX_ERR_DECORATOR_TARGET)", () => {
    expect(() => {
      class Static {
        @get("/static")
        static handler() {}
      }
      return Static;
    }).toThrow(expect.objectContaining({ code: "AEX_ERR_DECORATOR_TARGET" }));
  });
});
