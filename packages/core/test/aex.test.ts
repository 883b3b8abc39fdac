import { Aex, get, http } from "@aex/core";
import { addStep, methodDecorator, stepsOf, routesOf } from "@aex/core/plugin";
import { get as httpGet, listen, send } from "./support/http";

class Home {
  constructor(private readonly label = "home") {}
  @get("/")
  home(_req: any, res: any) {
    res.end(this.label);
  }
}

describe("aex.push(Class, ...args)", () => {
  it("refuses the same class twice (AEX_ERR_PUSH_DUPLICATE)", () => {
    const aex = new Aex().push(Home);
    expect(() => aex.push(Home)).toThrow(expect.objectContaining({ code: "AEX_ERR_PUSH_DUPLICATE" }));
  });

  it("refuses what is not a class (AEX_ERR_PUSH_NOT_CLASS)", () => {
    expect(() => new Aex().push({} as unknown as typeof Home)).toThrow(
      expect.objectContaining({ code: "AEX_ERR_PUSH_NOT_CLASS" }),
    );
  });

  it("refuses classes pushed after prepare() (AEX_ERR_ALREADY_PREPARED)", () => {
    const aex = new Aex();
    expect(aex.prepare()).toBe(aex);
    expect(() => aex.push(Home)).toThrow(expect.objectContaining({ code: "AEX_ERR_ALREADY_PREPARED" }));
  });
});

describe("two Aex instances in one process", () => {
  it("share no routes, state or instances", async () => {
    class OnlyInA {
      @get("/a")
      a(_req: any, res: any, scope: any) {
        scope.outer.count = (scope.outer.count ?? 0) + 1;
        res.end("a" + scope.outer.count);
      }
    }
    const a = new Aex().push(Home, "first").push(OnlyInA);
    const b = new Aex().push(Home, "second");
    const [baseA, baseB] = [await listen(a), await listen(b)];
    try {
      expect((await httpGet(baseA, "/")).text).toBe("first");
      expect((await httpGet(baseB, "/")).text).toBe("second");
      expect((await httpGet(baseA, "/a")).text).toBe("a1");
      expect((await httpGet(baseB, "/a")).status).toBe(404);
      expect(b.global.count).toBeUndefined();
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
});

describe("aex.close()", () => {
  it("stops accepting and lets in-flight requests finish", async () => {
    // Close once the handler runs (a positive barrier, not a sleep): a request that has not
    // reached the server yet is an idle connection, which close() rightly drops; a fixed
    // 30 ms wait lost that race now and then on a busy machine (seen under Bun).
    let arrived!: () => void;
    const inHandler = new Promise<void>((resolve) => (arrived = resolve));
    // The handler answers only once close() has begun: the request is in flight during it.
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    class Slow {
      @get("/slow")
      async slow(_req: any, res: any) {
        arrived();
        await released;
        res.end("finished");
      }
    }
    const aex = new Aex().push(Slow);
    const base = await listen(aex);
    const inFlight = httpGet(base, "/slow");
    await inHandler;
    const closed = aex.close();
    release();
    const res = await inFlight;
    await closed;
    expect(res.status).toBe(200);
    expect(res.text).toBe("finished");
    await expect(httpGet(base, "/slow")).rejects.toThrow(/ECONNREFUSED/);
  });

  it("runs onClose hooks", async () => {
    const aex = new Aex();
    const closed: string[] = [];
    aex.onClose(() => {
      closed.push("hook");
    });
    await listen(aex);
    await aex.close();
    expect(closed).toEqual(["hook"]);
  });

  it("rejects start() on a port already taken", async () => {
    const first = new Aex();
    await listen(first);
    const second = new Aex();
    try {
      await expect(second.start(first.port, "127.0.0.1")).rejects.toThrow(/EADDRINUSE/);
    } finally {
      await first.close();
    }
  });
});

describe("the metadata registry", () => {
  it("records steps from any package through addStep, run in written order", async () => {
    // What @aex/session or @aex/template do: record a step, never wrap the method.
    function mark(label: string) {
      return methodDecorator((holder, key) =>
        addStep(holder, key, {
          name: `mark(${label})`,
          build:
            ({ instance }) =>
            (_req, _res, scope) => {
              (scope.inner.marks ??= []).push(`${label}:${(instance as Marked).id}`);
            },
        }),
      );
    }
    class Marked {
      id = "m";
      @http("/marks")
      @mark("first")
      @mark("second")
      handler(_req: any, res: any, scope: any) {
        res.json(scope.inner.marks);
      }
    }
    const original = Marked.prototype.handler;
    const aex = new Aex().push(Marked);
    const base = await listen(aex);
    try {
      expect((await httpGet(base, "/marks")).json()).toEqual(["first:m", "second:m"]);
      expect(Marked.prototype.handler).toBe(original);
    } finally {
      await aex.close();
    }
  });

  it("copies a parent's records for a subclass instead of sharing them", async () => {
    class Base {
      @get("/base")
      base(_req: any, res: any) {
        res.end("base " + this.constructor.name);
      }
    }
    class Child extends Base {
      @get("/child")
      child(_req: any, res: any) {
        res.end("child");
      }
    }
    expect([...routesOf(Base).keys()]).toEqual(["base"]);
    expect([...routesOf(Child).keys()].sort()).toEqual(["base", "child"]);
    expect(stepsOf(Child, "child")).toEqual([]);
    const aex = new Aex().push(Child);
    const base = await listen(aex);
    try {
      expect((await httpGet(base, "/base")).text).toBe("base Child");
      expect((await send(base, "GET", "/child")).text).toBe("child");
    } finally {
      await aex.close();
    }
  });
});
