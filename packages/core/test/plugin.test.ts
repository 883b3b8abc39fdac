// @decorator-modes both: decoratorStep, a step that is also a decorator.
import { Aex, AexRequest, AexResponse, get, type AexPlugin, type Scope } from "@aex/core";
import { decoratorStep } from "@aex/core/plugin";

declare module "@aex/core" {
  interface AexResponse {
    greet?: (name: string) => void;
  }
}

/** A plugin that adds `res.greet`, a header step reading the app's options, and a close hook. */
function greeter(closed: string[]): AexPlugin<{ word: string }> {
  return {
    name: "greeter",
    setup(app, options) {
      const word = options?.word ?? "Hello";
      app.decorateResponse("greet", function (this: AexResponse, name: string) {
        this.json({ greeting: `${word}, ${name}`, dev: app.options.dev });
      });
      app.onClose(() => closed.push(word));
    },
  };
}

class Greeting {
  @get("/hi/:name")
  hi(_req: AexRequest, res: AexResponse, scope: Scope) {
    res.greet!(scope.params.name);
  }
}

describe("aex.register(plugin, options)", () => {
  it("runs setup once: helpers on the app's own prototypes, options, onClose hooks", async () => {
    const closed: string[] = [];
    const aex = new Aex({ dev: true }).register(greeter(closed), { word: "Hej" }).push(Greeting);
    const res = await aex.inject().get("/hi/ada");
    expect(res.status).toBe(200);
    expect(res.json()).toEqual({ greeting: "Hej, ada", dev: true });
    // The helper lives on this app's response class only.
    expect(typeof aex.Response.prototype.greet).toBe("function");
    expect(AexResponse.prototype.greet).toBeUndefined();
    await aex.close();
    expect(closed).toEqual(["Hej"]);
  });

  it("refuses a plugin registered twice, after prepare, or that is not one, with coded errors", () => {
    const plugin = greeter([]);
    const aex = new Aex().register(plugin);
    expect(() => aex.register(plugin)).toThrow(expect.objectContaining({ code: "AEX_ERR_PLUGIN_DUPLICATE" }));
    expect(() => aex.register({} as AexPlugin)).toThrow(expect.objectContaining({ code: "AEX_ERR_PLUGIN_INVALID" }));
    aex.prepare();
    expect(() => new Aex().prepare().register(greeter([]))).toThrow(
      expect.objectContaining({ code: "AEX_ERR_ALREADY_PREPARED" }),
    );
    expect(() => aex.decorateResponse("other", () => undefined)).toThrow(
      expect.objectContaining({ code: "AEX_ERR_ALREADY_PREPARED" }),
    );
  });

  it("refuses a helper name the response already has", () => {
    const aex = new Aex();
    expect(() => aex.decorateResponse("json", () => undefined)).toThrow(
      expect.objectContaining({ code: "AEX_ERR_PLUGIN_HELPER_TAKEN" }),
    );
    expect(() => aex.decorateRequest("cookies", () => undefined)).toThrow(
      expect.objectContaining({ code: "AEX_ERR_PLUGIN_HELPER_TAKEN" }),
    );
  });

  it("gives each app its own state and its own request class", () => {
    const key = {};
    const a = new Aex();
    const b = new Aex();
    a.state(key, () => ["a"]).push("again");
    expect(a.state(key, () => ["other"])).toEqual(["a", "again"]);
    expect(b.state(key, () => ["b"])).toEqual(["b"]);
    expect(a.Request).not.toBe(b.Request);
    expect(new a.Request(null as never)).toBeInstanceOf(AexRequest);
  });
});

describe("decoratorStep(name, { build(app) })", () => {
  it("builds the step for its app at prepare(), as a decorator and through aex.use", async () => {
    const seen: string[] = [];
    const tag = decoratorStep("tag", {
      build: (app) => (_req, res) => void res.setHeader("x-app", String(app?.global.name)),
    });
    class Tagged {
      @get("/")
      @tag
      home(_req: AexRequest, res: AexResponse) {
        seen.push(String(res.getHeader("x-app")));
        res.end("ok");
      }
    }
    const a = new Aex().push(Tagged);
    a.global.name = "a";
    const b = new Aex().use(tag);
    b.global.name = "b";
    b.use((_req, res) => void res.end(String(res.getHeader("x-app"))));
    expect((await a.inject().get("/")).headers["x-app"]).toBe("a");
    expect((await b.inject().get("/")).text()).toBe("b");
    expect(seen).toEqual(["a"]);
  });
});
