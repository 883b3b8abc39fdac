// @decorator-modes both: @inject and @hook, their arguments and order.
import { Aex, get, hook, http, inject, type ICompactContext } from "@aex/core";
import { listen, send } from "./support/http";

describe("@inject(injector, fallback?, compact?)", () => {
  class User {
    private name = "Aex";

    @http("post", "/user/login")
    @inject(async (req: any) => {
      req.session = { user: { name: "ok" } };
    })
    @inject(async function (this: User, _req, _res, scope) {
      this.name = "Peter";
      scope.inner.order = ["classic"];
    })
    @inject(
      async function compactMode(this: User, ctx) {
        ctx.scope.inner.order.push("compact:" + this.name);
      },
      undefined,
      true,
    )
    @inject(
      async function (this: User, req) {
        if (req.headers["x-deny"]) return false;
      },
      async function fallback(this: User, _req, res) {
        res.statusCode = 403;
        res.end("Fallback " + this.name);
      },
    )
    @inject(
      async function compactedMiddleware(this: User, ctx) {
        if (ctx.req.headers["x-deny-compact"]) return false;
      },
      async function compactedFallback(this: User, ctx) {
        ctx.res.statusCode = 401;
        ctx.res.end("Compact fallback " + this.name);
      },
      true,
    )
    public async login(req: any, res: any, scope: any) {
      res.json({ user: req.session.user.name, order: scope.inner.order, name: this.name });
    }

    @get("/stop")
    @inject(async (_req, res) => {
      res.end("stopped");
      return false;
    })
    stop(_req: any, res: any) {
      res.end("handler ran");
    }

    @get("/hooked")
    @hook(async ({ scope }) => {
      scope.inner.via = "hook";
    })
    hooked(_req: any, res: any, scope: any) {
      res.end(scope.inner.via);
    }

    @get("/hooked-fallback")
    @hook(
      async () => false,
      async ({ res }: ICompactContext) => {
        res.status(402).end("pay");
      },
    )
    hookedFallback(_req: any, res: any) {
      res.end("never");
    }
  }

  let aex: Aex;
  let base: string;
  beforeAll(async () => {
    aex = new Aex().push(User);
    base = await listen(aex);
  });
  afterAll(() => aex.close());

  it("runs injected steps top to bottom with `this` the controller, then the handler", async () => {
    const res = await send(base, "POST", "/user/login");
    expect(res.status).toBe(200);
    expect(res.json()).toEqual({ user: "ok", order: ["classic", "compact:Peter"], name: "Peter" });
  });

  it("runs the fallback and skips the handler when the injector returns false", async () => {
    const res = await send(base, "POST", "/user/login", { headers: { "x-deny": "1" } });
    expect(res.status).toBe(403);
    expect(res.text).toBe("Fallback Peter");
  });

  it("runs a compact fallback for a compact injector", async () => {
    const res = await send(base, "POST", "/user/login", { headers: { "x-deny-compact": "1" } });
    expect(res.status).toBe(401);
    expect(res.text).toBe("Compact fallback Peter");
  });

  it("ends the line on false without a fallback", async () => {
    const res = await send(base, "GET", "/stop");
    expect(res.text).toBe("stopped");
  });

  it("@hook is a compact @inject", async () => {
    expect((await send(base, "GET", "/hooked")).text).toBe("hook");
    const denied = await send(base, "GET", "/hooked-fallback");
    expect(denied.status).toBe(402);
    expect(denied.text).toBe("pay");
  });

  it("refuses a non-function injector (AEX_ERR_DECORATOR_ARGS)", () => {
    expect(() => inject("nope" as never)).toThrow(expect.objectContaining({ code: "AEX_ERR_DECORATOR_ARGS" }));
  });
});
