import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type Browser } from "playwright-core";
import { Aex, AexError, get, type AexRequest, type AexResponse, type IAsyncMiddleware } from "@aex/core";
import { telemetry } from "@aex/metrics";
import { get as httpGet, listen } from "./support/http";

// Debian's chromium, installed by scripts/ensure-tools.mjs when missing.
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"];

/** The page's DOM, as the predicates below read it (the tests compile without the DOM lib). */
declare const document: {
  getElementById(id: string): { textContent: string | null } | null;
  querySelector(selector: string): { textContent: string | null } | null;
};

class Shop {
  @get("/products/:id")
  product(req: AexRequest, res: AexResponse) {
    res.json({ id: req.params.id });
  }

  @get("/cart")
  cart(_req: AexRequest, res: AexResponse) {
    res.json({ items: [] });
  }

  @get("/broken")
  broken() {
    throw new Error("boom");
  }
}

// The page runs under the default CSP (its script carries the response's nonce), so the waits
// below pass functions: a string predicate would be eval'd, which that CSP forbids.
describe("telemetry(options) in a real browser", () => {
  const live = telemetry({ interval: 200 });
  const aex = new Aex({ production: true }).register(live).push(Shop);
  let browser: Browser;
  let base: string;
  const shots = mkdtempSync(join(tmpdir(), "aex-telemetry-"));

  beforeAll(async () => {
    base = await listen(aex);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await aex.close();
  });

  it("shows numbers that move when requests are made, and draws the charts", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(base + "/telemetry");
    await page.waitForSelector("#status.live");
    // The browser's own favicon request may be counted: only requests of the test's routes are checked exactly.
    await page.waitForFunction(() => document.getElementById("total")!.textContent !== "–");

    for (let i = 0; i < 40; i++) expect((await httpGet(base, `/products/${i % 7}`)).status).toBe(200);
    for (let i = 0; i < 15; i++) expect((await httpGet(base, "/cart")).status).toBe(200);
    for (let i = 0; i < 5; i++) expect((await httpGet(base, "/broken")).status).toBe(500);

    await page.waitForFunction(() => Number(document.getElementById("total")!.textContent) >= 60);
    expect(await page.textContent("#routes .route:first-child code")).toBe("/products/:id");
    await page.waitForFunction(() => document.querySelector("#routes .route .count b")?.textContent === "40");
    expect(await page.locator("#routes code", { hasText: "/broken" }).count()).toBe(1);
    // The numbers arrive with the next point (every 200 ms): wait for the last error to show.
    await page.waitForFunction(() => document.getElementById("routes")!.textContent!.includes("5 5xx"));
    // Charts are SVG paths drawn from the points.
    expect(await page.locator("#chart-rps path").count()).toBeGreaterThan(0);
    expect(await page.locator("#chart-latency path").count()).toBe(3);
    // Megabytes, grouped as en-US writes them ("1,024" for a big jest process).
    expect(Number((await page.textContent("#rss"))!.replace(/,/g, ""))).toBeGreaterThan(0);

    // Traffic keeps coming: requests per second show it.
    const rpsSeen = page.waitForFunction(() => Number(document.getElementById("rps")!.textContent) > 0);
    const traffic = (async () => {
      for (let i = 0; i < 30; i++) await httpGet(base, "/cart");
    })();
    await rpsSeen;
    await traffic;
    await page.screenshot({ path: join(shots, "telemetry.png"), fullPage: true });
    console.log(`telemetry screenshot: ${join(shots, "telemetry.png")}`);
    await page.close();
  }, 60_000);

  it("serves the points as JSON, and the page's own requests are not counted", async () => {
    const res = await httpGet(base, "/telemetry/data");
    expect(res.status).toBe(200);
    const { history } = res.json<{ history: { total: number; routes: { route: string }[] }[] }>();
    expect(history.length).toBeGreaterThan(0);
    const last = history[history.length - 1];
    expect(last.routes.map((r) => r.route)).not.toContain("/telemetry");
    expect(last.total).toBeGreaterThanOrEqual(60);
  });
});

describe("telemetry({ guard })", () => {
  const guard: IAsyncMiddleware = (req, res) => {
    if (req.get("x-admin") === "yes") return;
    res.status(403).json({ code: "ADMINS_ONLY" });
    return false;
  };
  const live = telemetry({ guard });
  const aex = new Aex().register(live);
  let base: string;
  beforeAll(async () => (base = await listen(aex)));
  afterAll(async () => {
    live.close();
    await aex.close();
  });

  it("keeps the page and its data behind the guard", async () => {
    for (const path of ["/telemetry", "/telemetry/data", "/telemetry/stream"]) {
      const refused = await httpGet(base, path);
      expect(refused.status).toBe(403);
      expect(refused.json()).toEqual({ code: "ADMINS_ONLY" });
    }
    const page = await httpGet(base, "/telemetry", { "x-admin": "yes" });
    expect(page.status).toBe(200);
    expect(page.headers["content-type"]).toBe("text/html; charset=utf-8");
    expect(page.text).toContain("<title>Aex telemetry</title>");
    expect(page.text).not.toMatch(/<script src=|https?:\/\/(?!www\.w3\.org)/);
  });
});

describe("telemetry() setup errors", () => {
  it.each([[{ path: "telemetry" }], [{ path: "/t/" }], [{ interval: 10 }], [{ guard: 1 }]])(
    "refuses %j with AEX_ERR_TELEMETRY_OPTIONS",
    (options) => {
      let caught: unknown;
      try {
        telemetry(options as never);
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(AexError);
      expect((caught as AexError).code).toBe("AEX_ERR_TELEMETRY_OPTIONS");
    },
  );
});
