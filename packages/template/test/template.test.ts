// @decorator-modes both: the README's @template examples.
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import * as nunjucksLib from "nunjucks";
import * as pugLib from "pug";
import debug from "debug";
import { format } from "node:util";
import { Aex, http } from "@aex/core";
import { template } from "@aex/template";
import { nunjucks } from "@aex/template/nunjucks";
import { pug } from "@aex/template/pug";
import { get, listen } from "../../core/test/support/http";

const views = resolve(__dirname, "./views");

// The AEX README's section 4, as written there (views folder renamed).
class Template {
  @http("/one")
  @template(
    (path) => {
      const loader = new nunjucksLib.FileSystemLoader([path], {});
      const env = new nunjucksLib.Environment(loader, {
        autoescape: false,
      });
      return env;
    },
    resolve(__dirname, "./views"),
  )
  public async name(_: any, res: any) {
    // access using res.render
    res.render("plain.html", { hello: "Hello" });
  }

  @http("/pug")
  @template(
    (path) => {
      const engine: any = {};

      // engine render function rewrite
      engine.render = function (name: string, data: any) {
        let file = name;
        if (!existsSync(name)) {
          if (!existsSync(resolve(path, name))) {
            throw new Error("File Not Found: " + resolve(path, name));
          } else {
            file = resolve(path, name);
          }
        }
        return pugLib.renderFile(file, data);
      };
      return engine;
    },
    resolve(__dirname, "./views"),
  )
  public async name2(_: any, res: any, scope: any) {
    // access using scope.engine
    res.end(scope.engine.render("index.pug", { hello: "Hello3" }));
  }
}

class Pages {
  @http("/nunjucks")
  @template(nunjucks, views)
  nunjucksPage(_req: any, res: any) {
    res.render("index", { hello: "<Hi & bye>" });
  }

  @http("/pug-page")
  @template(pug, views, "pug")
  pugPage(_req: any, res: any) {
    res.render("index", { hello: "Pug <3" });
  }

  @http("/render/:name")
  @template(nunjucks, views)
  any(_req: any, res: any, scope: any) {
    res.render(scope.params.name, { hello: "x" });
  }

  @http("/pug-render/:name")
  @template(pug, views, "pug")
  anyPug(_req: any, res: any, scope: any) {
    res.render(scope.params.name, { hello: "x" });
  }

  @http("/no-engine")
  noEngine(_req: any, res: any) {
    res.render("index", {});
  }

  @http("/ok")
  ok(_req: any, res: any) {
    res.end("ok");
  }
}

describe("@template(init, path, ext?, options?)", () => {
  let aex: Aex;
  let base: string;
  beforeAll(async () => {
    aex = new Aex({ production: true }).push(Template).push(Pages);
    base = await listen(aex);
  });
  afterAll(() => aex.close());

  it("renders through the in-process client too", async () => {
    const res = await aex.inject().get("/nunjucks");
    expect(res.status).toBe(200);
    expect(res.text()).toContain("<nav>home</nav>");
  });

  it("renders nunjucks through res.render (README)", async () => {
    const res = await get(base, "/one");
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toBe("text/html; charset=utf-8");
    expect(res.text).toBe("<p>Hello</p>\n");
  });

  it("renders pug through scope.engine.render (README)", async () => {
    const res = await get(base, "/pug");
    expect(res.status).toBe(200);
    expect(res.text).toBe(
      "<!DOCTYPE html><html><head><title>Hello3</title></head><body><nav>pug home</nav><p>Hello3</p></body></html>",
    );
  });

  it("renders nunjucks layouts and partials, autoescaped, with the default extension", async () => {
    const res = await get(base, "/nunjucks");
    expect(res.status).toBe(200);
    expect(res.text).toContain("<title>&lt;Hi &amp; bye&gt; page</title>");
    expect(res.text).toContain("<nav>home</nav>");
    expect(res.text).toContain("<main><p>&lt;Hi &amp; bye&gt;</p></main>");
  });

  it("renders pug layouts and includes, escaped", async () => {
    const res = await get(base, "/pug-page");
    expect(res.text).toBe(
      "<!DOCTYPE html><html><head><title>Pug &lt;3</title></head><body><nav>pug home</nav><p>Pug &lt;3</p></body></html>",
    );
  });

  it.each([
    ["/render/missing", "missing"],
    ["/render/broken", "broken"],
    ["/pug-render/missing", "missing"],
    ["/pug-render/broken", "broken"],
    ["/render/..%2Fsecret", "../secret"],
    ["/pug-render/..%2Fsecret", "../secret"],
    ["/render/%2Fetc%2Fpasswd", "/etc/passwd"],
    ["/no-engine", "index"],
  ])("answers 500 for %s with a log line naming %j, then keeps serving", async (path, name) => {
    const lines: string[] = [];
    const log = debug.log;
    debug.enable("aex:template");
    debug.log = (...args: unknown[]) => lines.push(format(...args));
    const res = await get(base, path).finally(() => {
      debug.log = log;
      debug.disable();
    });
    expect(lines.join("\n")).toContain(`cannot render ${JSON.stringify(name).replace(/"/g, "'")}`);
    expect(res.status).toBe(500);
    expect(res.json()).toEqual({
      type: "about:blank",
      status: 500,
      title: "Internal Server Error",
      instance: path,
      code: "AEX_TEMPLATE_FAILED",
      requestId: res.headers["x-request-id"],
    });
    expect(res.text).not.toContain("outside secret");
    expect((await get(base, "/ok")).text).toBe("ok");
  });
});
