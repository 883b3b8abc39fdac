import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Aex, get, type AexRequest, type AexResponse } from "@aex/core";
import { template } from "@aex/template";
import { nunjucks } from "@aex/template/nunjucks";
import { pug } from "@aex/template/pug";

let views: string;
beforeEach(() => {
  views = mkdtempSync(join(tmpdir(), "aex-views-"));
  writeFileSync(join(views, "page.html"), "<p>{{ text }}</p>");
  writeFileSync(join(views, "page.pug"), "p= text");
  writeFileSync(join(views, "page.njk"), "<b>{{ text }}</b>");
  writeFileSync(join(views, "filtered.pug"), "p\n  :shout hello");
});
afterEach(() => rmSync(views, { recursive: true, force: true }));

/** An app with a nunjucks and a pug page, prepared under the given NODE_ENV. */
function pagesApp(nodeEnv: string, options: { pug?: { cache?: boolean } } = {}): Aex {
  class Pages {
    @get("/nunjucks")
    @template(nunjucks, views)
    nunjucksPage(_req: AexRequest, res: AexResponse) {
      res.render("page", { text: "nunjucks" });
    }

    @get("/pug")
    @template(pug, views, "pug", options.pug)
    pugPage(_req: AexRequest, res: AexResponse) {
      res.render("page", { text: "pug" });
    }
  }
  // The ready engines read NODE_ENV once, when the app prepares and makes them.
  const before = process.env.NODE_ENV;
  process.env.NODE_ENV = nodeEnv;
  try {
    return new Aex().push(Pages).prepare();
  } finally {
    process.env.NODE_ENV = before;
  }
}

/** Renders, rewrites both templates on disk, renders again. */
async function renderEditRender(aex: Aex): Promise<string[]> {
  const client = aex.inject();
  const first = [(await client.get("/nunjucks")).text(), (await client.get("/pug")).text()];
  writeFileSync(join(views, "page.html"), "<p>edited {{ text }}</p>");
  writeFileSync(join(views, "page.pug"), "p edited #{text}");
  const second = [(await client.get("/nunjucks")).text(), (await client.get("/pug")).text()];
  return [...first, ...second];
}

describe("the ready engines' caching", () => {
  it("keeps the templates it compiled in production (NODE_ENV=production)", async () => {
    expect(await renderEditRender(pagesApp("production"))).toEqual([
      "<p>nunjucks</p>",
      "<p>pug</p>",
      "<p>nunjucks</p>",
      "<p>pug</p>",
    ]);
  });

  it("re-reads templates on each render in development", async () => {
    expect(await renderEditRender(pagesApp("development"))).toEqual([
      "<p>nunjucks</p>",
      "<p>pug</p>",
      "<p>edited nunjucks</p>",
      "<p>edited pug</p>",
    ]);
  });

  it("lets pug's cache option override NODE_ENV both ways", async () => {
    expect((await renderEditRender(pagesApp("development", { pug: { cache: true } })))[3]).toBe("<p>pug</p>");
    writeFileSync(join(views, "page.pug"), "p= text");
    expect((await renderEditRender(pagesApp("production", { pug: { cache: false } })))[3]).toBe("<p>edited pug</p>");
  });
});

describe("@template(init, path, ext, options)", () => {
  it("gives ext and options to the engine: nunjucks options and pug options", async () => {
    class Pages {
      @get("/escaped")
      @template(nunjucks, views)
      escaped(_req: AexRequest, res: AexResponse) {
        res.render("page", { text: "<i>hi</i>" });
      }

      @get("/raw")
      @template(nunjucks, views, "njk", { autoescape: false })
      raw(_req: AexRequest, res: AexResponse) {
        res.render("page", { text: "<i>hi</i>" });
      }

      @get("/pug-filter")
      @template(pug, views, "pug", { filters: { shout: (text: string) => text.toUpperCase() } })
      pugFilter(_req: AexRequest, res: AexResponse) {
        res.render("filtered", {});
      }
    }
    const client = new Aex().push(Pages).inject();
    const escaped = await client.get("/escaped");
    expect(escaped.status).toBe(200);
    expect(escaped.headers["content-type"]).toBe("text/html; charset=utf-8");
    expect(escaped.text()).toBe("<p>&lt;i&gt;hi&lt;/i&gt;</p>");
    // ext "njk" picked page.njk; autoescape: false left the HTML as it was.
    expect((await client.get("/raw")).text()).toBe("<b><i>hi</i></b>");
    // pug's own option (a filter) reached pug.
    expect((await client.get("/pug-filter")).text()).toBe("<p>HELLO</p>");
  });

  it("calls a custom init once, at prepare, with the path, ext and options given", async () => {
    const calls: unknown[][] = [];
    const init = (path: string, ext: string, options?: { greeting: string }) => {
      calls.push([path, ext, options]);
      return {
        render: (name: string, data: { a?: number }) => `${options?.greeting} ${name}.${ext} a=${data.a}`,
      };
    };
    class Pages {
      @get("/")
      @template(init, "/views", "hbs", { greeting: "hello" })
      home(_req: AexRequest, res: AexResponse) {
        res.render("home", { a: 1 });
      }
    }
    const aex = new Aex().push(Pages).prepare();
    expect(calls).toEqual([["/views", "hbs", { greeting: "hello" }]]);
    const client = aex.inject();
    expect((await client.get("/")).text()).toBe("hello home.hbs a=1");
    expect((await client.get("/")).text()).toBe("hello home.hbs a=1");
    expect(calls).toHaveLength(1);
  });
});
