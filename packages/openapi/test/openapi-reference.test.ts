import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type Browser, type ConsoleMessage } from "playwright-core";
import { z } from "zod";
import { Aex, AexError, body, get, post, type AexRequest, type AexResponse, type ScopeWith } from "@aex/core";
import { openapi, returns, summary } from "@aex/openapi";
import { get as httpGet, listen, send } from "./support/http";

// Debian's chromium, installed by scripts/ensure-tools.mjs when missing.
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"];

/** The page's DOM, as the predicates below read it (the tests compile without the DOM lib). */
declare const document: {
  querySelectorAll(
    selector: string,
  ): ArrayLike<{ textContent: string | null; getAttribute(name: string): string | null }>;
};

const Note = z.object({ title: z.string().min(1) });

class Notes {
  @get("/notes")
  @summary("List the notes")
  @returns(200, z.array(Note))
  list(_req: AexRequest, res: AexResponse) {
    res.json([]);
  }

  @post("/notes")
  @summary("Add a note")
  @body(Note)
  @returns(201, Note)
  create(_req: AexRequest, res: AexResponse, scope: ScopeWith<{ body: z.output<typeof Note> }>) {
    res.status(201).json(scope.body);
  }

  @get("/notes/:id")
  @summary("Read one note")
  one(req: AexRequest, res: AexResponse) {
    res.json({ id: req.params.id });
  }
}

function app(): Aex {
  const aex = new Aex().push(Notes);
  aex.register(openapi({ info: { title: "Notes", version: "1.0.0" }, reference: true }));
  return aex;
}

describe("openapi({ reference: true })", () => {
  const aex = app();
  let base: string;
  beforeAll(async () => {
    base = await listen(aex);
  });
  afterAll(() => aex.close());

  it("serves the page with its one inline script under this response's CSP nonce", async () => {
    const res = await httpGet(base, "/reference");
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toBe("text/html; charset=utf-8");
    expect(res.headers["cache-control"]).toBe("no-store");
    const nonce = /<script nonce="([^"]+)">/.exec(res.text)?.[1];
    expect(nonce).toMatch(/^[A-Za-z0-9+/]{22}==$/);
    expect(res.headers["content-security-policy"]).toContain(`script-src 'self' 'nonce-${nonce}'`);
    expect(res.text).toContain('<link rel="stylesheet" href="/reference/swagger-ui.css">');
    expect(res.text).toContain('<script src="/reference/swagger-ui-bundle.js"></script>');
    expect(res.text).toContain('"url":"/openapi.json"');
    expect(res.text).toContain("<title>Notes · API reference</title>");
    // A new nonce for every response.
    const again = await httpGet(base, "/reference");
    expect(/<script nonce="([^"]+)">/.exec(again.text)?.[1]).not.toBe(nonce);
  });

  it("serves the UI's files from the swagger-ui-dist package, revalidated by ETag", async () => {
    const js = await httpGet(base, "/reference/swagger-ui-bundle.js");
    expect(js.status).toBe(200);
    expect(js.headers["content-type"]).toBe("text/javascript; charset=utf-8");
    expect(js.headers["cache-control"]).toBe("no-cache");
    expect(js.headers.etag).toMatch(/^"swagger-ui-dist-\d+\.\d+\.\d+-\d+"$/);
    expect(js.text).toContain("SwaggerUIBundle");
    const css = await httpGet(base, "/reference/swagger-ui.css");
    expect(css.status).toBe(200);
    expect(css.headers["content-type"]).toBe("text/css; charset=utf-8");
    expect(css.text).toContain(".swagger-ui");
    const cached = await httpGet(base, "/reference/swagger-ui.css", { "if-none-match": String(css.headers.etag) });
    expect(cached.status).toBe(304);
    expect(cached.text).toBe("");
    const head = await send(base, "HEAD", "/reference/swagger-ui-bundle.js");
    expect(head.status).toBe(200);
    expect(head.headers["content-length"]).toBe(js.headers["content-length"]);
    expect(head.text).toBe("");
  });

  it("passes on paths it does not serve", async () => {
    for (const path of ["/reference/package.json", "/reference/../package.json", "/reference/", "/referencex"]) {
      const res = await httpGet(base, path);
      expect(res.status).toBe(404);
      expect(res.headers["content-type"]).toBe("application/problem+json; charset=utf-8");
    }
    expect((await send(base, "POST", "/reference")).status).toBe(404);
  });

  it("refuses a reference path it cannot serve, at setup", () => {
    expect(() => openapi({ reference: true, referencePath: "docs" })).toThrow(AexError);
    expect(() => openapi({ reference: true, referencePath: "/docs/" })).toThrow(
      expect.objectContaining({ code: "AEX_ERR_OPENAPI_OPTIONS" }),
    );
  });
});

// The page runs under the default CSP (only scripts from the app and the nonce'd inline one),
// so the waits below pass functions: a string predicate would be eval'd, which that CSP forbids.
describe("the reference page in a real browser", () => {
  const aex = app();
  let browser: Browser;
  let base: string;

  beforeAll(async () => {
    base = await listen(aex);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await aex.close();
  });

  it("shows every operation's path and summary, loads nothing from elsewhere, logs no error", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const requested: string[] = [];
    const problems: string[] = [];
    page.on("request", (request) => requested.push(request.url()));
    page.on("console", (message: ConsoleMessage) => {
      if (message.type() === "error" || message.type() === "warning") problems.push(message.text());
    });
    page.on("pageerror", (error) => problems.push(error.message));

    await page.goto(base + "/reference");
    await page.waitForFunction(() => document.querySelectorAll(".opblock").length === 3, undefined, {
      timeout: 20_000,
    });
    const operations = await page.evaluate(() =>
      Array.from(document.querySelectorAll(".opblock-summary")).map((summary) => summary.textContent),
    );
    expect(operations).toHaveLength(3);
    expect(operations.find((text) => text?.includes("/notes/{id}"))).toContain("Read one note");
    expect(operations.find((text) => text?.includes("List the notes"))).toContain("/notes");
    expect(operations.find((text) => text?.includes("Add a note"))).toContain("POST");

    // Opening an operation renders its schemas (zod's, as JSON Schema) without an error either.
    await page.click(".opblock-post .opblock-summary");
    await page.waitForFunction(
      () => document.querySelectorAll(".opblock-post .opblock-body")[0]?.textContent?.includes("Request body") === true,
      undefined,
      { timeout: 10_000 },
    );
    const opened = await page.textContent(".opblock-post .opblock-body");
    expect(opened).toContain('"title"');
    expect(opened).toContain("201");

    expect(requested.length).toBeGreaterThanOrEqual(4);
    expect(requested.filter((url) => !url.startsWith(`${base}/`))).toEqual([]);
    expect(requested).toEqual(
      expect.arrayContaining([
        `${base}/reference`,
        `${base}/reference/swagger-ui.css`,
        `${base}/reference/swagger-ui-bundle.js`,
        `${base}/openapi.json`,
      ]),
    );
    expect(problems).toEqual([]);
    const shot = join(mkdtempSync(join(tmpdir(), "aex-reference-")), "reference.png");
    await page.screenshot({ path: shot, fullPage: true });
    console.log(`reference page screenshot: ${shot}`);
    await page.close();
  }, 60_000);
});
