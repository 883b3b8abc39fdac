// @decorator-modes both: the README's Express middleware integration.
import cors from "cors";
import helmet from "helmet";
import { Aex, get, toAsyncMiddleware, type ExpressMiddleware } from "@aex/core";
import { get as httpGet, listen, send } from "./support/http";

class Api {
  @get("/data")
  data(req: any, res: any) {
    res.json({ seen: req.seen ?? null });
  }
}

async function appWith(...middlewares: ExpressMiddleware[]): Promise<{ aex: Aex; base: string }> {
  const aex = new Aex({ production: true });
  for (const middleware of middlewares) aex.use(toAsyncMiddleware(middleware));
  aex.push(Api);
  return { aex, base: await listen(aex) };
}

describe("toAsyncMiddleware(expressMiddleware)", () => {
  it("runs a middleware that calls next() (README example)", async () => {
    const oldMiddleware = (req: any, _res: any, next: any) => {
      req.seen = "old";
      next();
    };
    const { aex, base } = await appWith(oldMiddleware);
    try {
      expect((await httpGet(base, "/data")).json()).toEqual({ seen: "old" });
    } finally {
      await aex.close();
    }
  });

  it("runs the real cors package, preflight included", async () => {
    const { aex, base } = await appWith(cors({ origin: "https://app.example" }));
    try {
      const simple = await httpGet(base, "/data", { Origin: "https://app.example" });
      expect(simple.status).toBe(200);
      expect(simple.headers["access-control-allow-origin"]).toBe("https://app.example");
      // The preflight is answered by cors without next(): the line must end, not hang.
      const preflight = await send(base, "OPTIONS", "/data", {
        headers: { Origin: "https://app.example", "Access-Control-Request-Method": "PUT" },
      });
      expect(preflight.status).toBe(204);
      expect(preflight.headers["access-control-allow-methods"]).toContain("PUT");
    } finally {
      await aex.close();
    }
  });

  it("runs the real helmet package", async () => {
    const { aex, base } = await appWith(helmet());
    try {
      const res = await httpGet(base, "/data");
      expect(res.status).toBe(200);
      expect(res.headers["x-content-type-options"]).toBe("nosniff");
      expect(res.headers["content-security-policy"]).toContain("default-src 'self'");
      expect(res.json()).toEqual({ seen: null });
    } finally {
      await aex.close();
    }
  });

  it("turns next(error) and a thrown error into error responses, not hangs", async () => {
    const failing: ExpressMiddleware = (req, _res, next) => {
      if (req.url === "/data?throw") throw Object.assign(new Error("bad"), { status: 422 });
      next(Object.assign(new Error("forbidden by legacy"), { status: 403 }));
    };
    const { aex, base } = await appWith(failing);
    try {
      const viaNext = await httpGet(base, "/data");
      expect(viaNext.status).toBe(403);
      expect(viaNext.json()).toMatchObject({ status: 403, detail: "forbidden by legacy" });
      const thrown = await httpGet(base, "/data?throw");
      expect(thrown.status).toBe(422);
      expect(thrown.json()).toMatchObject({ status: 422, detail: "bad" });
    } finally {
      await aex.close();
    }
  });

  it("turns a rejected async middleware into a 500", async () => {
    const asyncFailing: ExpressMiddleware = async () => {
      throw new Error("async legacy failure");
    };
    const { aex, base } = await appWith(asyncFailing);
    try {
      const res = await httpGet(base, "/data");
      expect(res.status).toBe(500);
      expect(res.json()).toEqual({
        type: "about:blank",
        status: 500,
        title: "Internal Server Error",
        instance: "/data",
        code: "AEX_INTERNAL",
        requestId: res.headers["x-request-id"],
      });
    } finally {
      await aex.close();
    }
  });

  it("ignores next('route') and a second next() call", async () => {
    const twice: ExpressMiddleware = (_req, _res, next) => {
      next("route");
      next(new Error("late"));
    };
    const { aex, base } = await appWith(twice);
    try {
      expect((await httpGet(base, "/data")).status).toBe(200);
    } finally {
      await aex.close();
    }
  });
});
