import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { chromium, type Browser } from "playwright-core";
import { createNotesApp } from "../src/app";

// Debian's chromium, installed by scripts/ensure-tools.mjs when missing.
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
const screenshots = join(__dirname, "../../../.tmp/screenshots");

describe("examples/notes in a real browser", () => {
  const { aex } = createNotesApp({ secret: "browser test" });
  let browser: Browser;
  let base: string;

  beforeAll(async () => {
    await aex.start(0, "127.0.0.1");
    base = `http://127.0.0.1:${aex.port}`;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await aex.close();
  });

  it("logs in, adds a note, and sees it appear live in a second page", async () => {
    const context = await browser.newContext();
    const first = await context.newPage();
    await first.goto(base + "/");
    await first.fill('input[name="username"]', "grace");
    await first.fill('input[name="password"]', "hopper");
    await first.click('#login button[type="submit"]');
    await first.waitForSelector("#user");
    expect(await first.textContent("#user")).toBe("grace");
    await first.waitForSelector("#status:has-text('Live')");

    // A second page of the same user, connected live.
    const second = await context.newPage();
    await second.goto(base + "/");
    await second.waitForSelector("#status:has-text('Live')");

    await first.fill('input[name="title"]', "Buy milk");
    await first.fill('textarea[name="text"]', "<script>alert(1)</script> and bread");
    await first.click('#add-note button[type="submit"]');

    const live = second.locator("#notes li h2", { hasText: "Buy milk" });
    await live.waitFor({ timeout: 5000 });
    expect(await second.locator("#notes li p").first().textContent()).toBe("<script>alert(1)</script> and bread");

    mkdirSync(screenshots, { recursive: true });
    await second.screenshot({ path: join(screenshots, "notes.png"), fullPage: true });
    await context.close();
  }, 60_000);
});
