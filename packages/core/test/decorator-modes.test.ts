import * as core from "@aex/core";
import * as plugin from "@aex/core/plugin";
import { AexError } from "@aex/core";
import ts from "typescript";

/**
 * Each snippet is compiled here twice, as a user's compiler would: with TC39 standard
 * decorators (TypeScript's default) and with `experimentalDecorators`. Whatever mode this
 * jest project compiles the suite in, both modes are exercised.
 */
const MODES = { standard: false, legacy: true } as const;
type Mode = keyof typeof MODES;

function compile(source: string, mode: Mode): Record<string, unknown> {
  const { outputText } = ts.transpileModule(source, {
    compilerOptions: {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.CommonJS,
      experimentalDecorators: MODES[mode],
    },
  });
  const exports: Record<string, unknown> = {};
  const requireCore = (id: string): unknown => {
    if (id === "@aex/core") return core;
    if (id === "@aex/core/plugin") return plugin;
    throw new Error(`unexpected import ${id}`);
  };
  new Function("require", "exports", outputText)(requireCore, exports);
  return exports;
}

function setupError(source: string, mode: Mode): AexError {
  try {
    compile(source, mode);
  } catch (error) {
    if (error instanceof AexError) return error;
    throw error;
  }
  throw new Error("no setup error");
}

describe.each(Object.keys(MODES) as Mode[])("decorators under %s decorators", (mode) => {
  it("serves a controller written as in the AEX README", async () => {
    const { Greeter } = compile(
      `import { get, http, body, query } from "@aex/core";
       export class Greeter {
         constructor(greeting) { this.greeting = greeting; }
         @get("/hello/:name") hello(req, res, scope) { res.end(this.greeting + ", " + scope.params.name); }
         @http("post", "/echo") @body("json") echo(req, res, scope) { res.json(scope.body); }
         @get("/q") @query() q(req, res, scope) { res.json(scope.query); }
       }`,
      mode,
    ) as { Greeter: core.Constructor };
    const aex = new core.Aex().push(Greeter, "Hi");
    const client = aex.inject();
    expect((await client.get("/hello/ann").execute()).text()).toBe("Hi, ann");
    const echo = await client.post("/echo").json({ a: 1 }).execute();
    expect(echo.status).toBe(200);
    expect(echo.json()).toEqual({ a: 1 });
    expect((await client.get("/q?x=1").execute()).json()).toEqual({ x: "1" });
  });

  it("runs steps top to bottom, decoratorStep included, and inherits routes and steps", async () => {
    const { Child } = compile(
      `import { get, inject } from "@aex/core";
import { decoratorStep } from "@aex/core/plugin";
       const mark = (label) => decoratorStep(label, (req, res, scope) => { (scope.inner.marks ??= []).push(label); });
       class Parent {
         @get("/parent") @mark("a") @inject((req, res, scope) => { scope.inner.marks.push("b"); }) @mark("c")
         parent(req, res, scope) { res.json(scope.inner.marks); }
       }
       export class Child extends Parent {
         @get("/child") @mark("d") child(req, res, scope) { res.json(scope.inner.marks); }
       }`,
      mode,
    ) as { Child: core.Constructor };
    const aex = new core.Aex().push(Child);
    const client = aex.inject();
    expect((await client.get("/parent").execute()).json()).toEqual(["a", "b", "c"]);
    expect((await client.get("/child").execute()).json()).toEqual(["d"]);
  });

  it("keeps a parent's routes to itself when a subclass adds its own", () => {
    const { Parent, Child } = compile(
      `import { get } from "@aex/core";
       export class Parent { @get("/p") p(req, res) { res.end("p"); } }
       export class Child extends Parent { @get("/c") c(req, res) { res.end("c"); } }`,
      mode,
    ) as { Parent: Function; Child: Function };
    expect([...plugin.routesOf(Parent).keys()]).toEqual(["p"]);
    expect([...plugin.routesOf(Child).keys()].sort()).toEqual(["c", "p"]);
  });

  it("binds @listen methods to the app's emitter", async () => {
    const { Echo } = compile(
      `import { listen } from "@aex/core";
       export class Echo { @listen("ping") ping(emitter, message) { emitter.emit("pong", message + "!"); } }`,
      mode,
    ) as { Echo: core.Constructor };
    const aex = new core.Aex().push(Echo).prepare();
    const answer = new Promise((resolve) => aex.emitter.once("pong", resolve));
    aex.emitter.emit("ping", "hi");
    await expect(answer).resolves.toBe("hi!");
    await aex.close();
  });

  it.each([
    ["a field", `class Home { @get("/") page = 1; }`, /Home\.page|field page/],
    ["a getter", `class Home { @get("/") get page() { return 1; } }`, /page/],
    ["a static method", `class Home { @get("/") static page() {} }`, /static member Home\.page/],
    ["a class", `@get("/") class Home {}`, /class Home/],
  ])("refuses %s with AEX_ERR_DECORATOR_TARGET naming it", (_what, body, message) => {
    const error = setupError(`import { get } from "@aex/core"; ${body}`, mode);
    expect(error.code).toBe("AEX_ERR_DECORATOR_TARGET");
    expect(error.message).toMatch(message);
  });

  it("refuses a decorator step on a field", () => {
    const error = setupError(`import { body } from "@aex/core"; class Form { @body("json") data = {}; }`, mode);
    expect(error.code).toBe("AEX_ERR_DECORATOR_TARGET");
  });
});

describe("standard decorators", () => {
  it("refuses a private method, which Aex could not call by name", () => {
    const error = setupError(`import { get } from "@aex/core"; class Home { @get("/") #page() {} }`, "standard");
    expect(error.code).toBe("AEX_ERR_DECORATOR_TARGET");
    expect(error.message).toMatch(/private method #page/);
  });

  it("installs Symbol.metadata, so TypeScript hands decorators a metadata object", () => {
    expect(typeof (Symbol as unknown as { metadata: unknown }).metadata).toBe("symbol");
    const { Home } = compile(
      `import { get } from "@aex/core"; export class Home { @get("/") page() {} }`,
      "standard",
    ) as { Home: Record<symbol, unknown> };
    expect(typeof Home[(Symbol as unknown as { metadata: symbol }).metadata]).toBe("object");
  });
});
