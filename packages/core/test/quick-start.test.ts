// @decorator-modes both: the README's first example.
import { Aex, compact, http, type ICompactContext } from "@aex/core";
import { get, listen, send } from "./support/http";

describe("README: An Object-Oriented Web Framework needs no MVC", () => {
  class Helloworld {
    public message: string;
    constructor() {
      this.message = "Hello world!";
    }
    // The README's three handlers answer the same message; each signs its answer so the
    // test can tell which one the router picked.
    @http("/")
    public async all(req: any, res: any) {
      res.setHeader("X-Handler", "all");
      res.end(this.message);
    }

    @compact("/")
    public async compactAll(ctx: any) {
      ctx.res.setHeader("X-Handler", "compactAll");
      ctx.res.end(this.message);
    }

    @http("*", "*", true)
    public async httpCompactAll(ctx: any) {
      ctx.res.setHeader("X-Handler", "httpCompactAll");
      ctx.res.end(this.message);
    }
  }

  let aex: Aex;
  let base: string;
  beforeAll(async () => {
    aex = new Aex();
    aex.push(Helloworld);
    await aex.prepare().start(0, "127.0.0.1");
    base = `http://127.0.0.1:${aex.port}`;
  });
  afterAll(() => aex.close());

  it("answers GET / from the first handler registered for it", async () => {
    const res = await get(base, "/");
    expect(res.status).toBe(200);
    expect(res.text).toBe("Hello world!");
    // @http("/") and @compact("/") both claim GET /: the first one declared answers.
    expect(res.headers["x-handler"]).toBe("all");
  });

  it("answers any method and path through @http('*', '*', true)", async () => {
    const res = await send(base, "DELETE", "/any/thing?x=1");
    expect(res.status).toBe(200);
    expect(res.text).toBe("Hello world!");
    expect(res.headers["x-handler"]).toBe("httpCompactAll");
  });

  it("answers POST / through the catch-all, not the GET handlers", async () => {
    const res = await send(base, "POST", "/");
    expect(res.status).toBe(200);
    expect(res.headers["x-handler"]).toBe("httpCompactAll");
  });
});

describe("README: Quick Start", () => {
  class HelloAex {
    private name = "Alice";
    constructor(name: string) {
      this.name = name;
    }
    @http("*", "*")
    public all(_req: any, res: any, _scope: any) {
      res.end("Hello from " + this.name + "!");
    }
  }

  it("pushes a class with constructor parameters and starts on port 0", async () => {
    const aex = new Aex();
    aex.push(HelloAex, "Eric");
    aex.prepare();
    const server = await aex.start(0, "127.0.0.1");
    try {
      expect(server).toBe(aex.server);
      expect(aex.port).toBeGreaterThan(0);
      const res = await send(`http://127.0.0.1:${aex.port}`, "POST", "/whatever");
      expect(res.status).toBe(200);
      expect(res.text).toBe("Hello from Eric!");
    } finally {
      await aex.close();
    }
  });

  it("prepares on start when asked (third parameter) or when prepare() was never called", async () => {
    const asked = new Aex().push(HelloAex, "Ann");
    const forgot = new Aex().push(HelloAex, "Bob");
    await asked.start(0, "127.0.0.1", true);
    await forgot.start(0, "127.0.0.1");
    try {
      expect((await get(`http://127.0.0.1:${asked.port}`, "/")).text).toBe("Hello from Ann!");
      expect((await get(`http://127.0.0.1:${forgot.port}`, "/")).text).toBe("Hello from Bob!");
    } finally {
      await Promise.all([asked.close(), forgot.close()]);
    }
  });

  it("supports the `aex.prepare().start().then()` chain", async () => {
    const aex = new Aex().push(HelloAex, "Chain");
    const base = await new Promise<string>((resolve) => {
      aex
        .prepare()
        .start(0, "127.0.0.1")
        .then(() => resolve(`http://127.0.0.1:${aex.port}`));
    });
    try {
      expect((await get(base, "/")).text).toBe("Hello from Chain!");
    } finally {
      await aex.close();
    }
  });
});

describe("compact mode context", () => {
  it("gives req/res/scope and the request/response aliases", async () => {
    class Compact {
      @compact(["get", "post"], "/ctx")
      ctx(ctx: ICompactContext) {
        ctx.res.json({
          same: ctx.req === ctx.request && ctx.res === ctx.response,
          method: ctx.req.method,
          started: ctx.scope.time.started instanceof Date,
        });
      }
    }
    const aex = new Aex().push(Compact);
    const base = await listen(aex);
    try {
      const res = await send(base, "POST", "/ctx");
      expect(res.status).toBe(200);
      expect(res.headers["content-type"]).toBe("application/json; charset=utf-8");
      expect(res.json()).toEqual({ same: true, method: "POST", started: true });
    } finally {
      await aex.close();
    }
  });
});
