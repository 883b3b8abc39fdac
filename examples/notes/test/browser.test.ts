import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Aex } from "@aex/core";
import { chromium, type Browser, type Page } from "playwright-core";
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

/** Logs in on the notes page at `base` and waits for the live connection. */
async function logIn(page: Page, base: string, username: string, password: string): Promise<void> {
  await page.goto(base + "/");
  await page.fill('input[name="username"]', username);
  await page.fill('input[name="password"]', password);
  await page.click('#login button[type="submit"]');
  await page.waitForSelector("#user");
  expect(await page.textContent("#user")).toBe(username);
  await page.waitForSelector("#status:has-text('Live')");
}

describe("examples/notes in a real browser", () => {
  // The notes live in SQLite in this folder, so a new server finds them.
  const home = mkdtempSync(join(tmpdir(), "aex-notes-browser-"));
  const database = { dataDir: join(home, "data") };
  let aex: Aex;
  let browser: Browser;
  let base: string;

  beforeAll(async () => {
    ({ aex } = await createNotesApp({ secret: "browser test", database }));
    await aex.start(0, "127.0.0.1");
    base = `http://127.0.0.1:${aex.port}`;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await aex?.close();
    rmSync(home, { recursive: true, force: true });
  });

  it("logs in, adds a note, and sees it appear live in a second page", async () => {
    const context = await browser.newContext();
    const first = await context.newPage();
    await logIn(first, base, "grace", "hopper");

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

  it("keeps the notes over a server restart", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await logIn(page, base, "ada", "engine");
    await page.fill('input[name="title"]', "Kept in SQLite");
    await page.click('#add-note button[type="submit"]');
    await page.locator("#notes li h2", { hasText: "Kept in SQLite" }).waitFor({ timeout: 5000 });

    // Stop the server, start a new one on the same data folder.
    await aex.close();
    ({ aex } = await createNotesApp({ secret: "browser test", database }));
    await aex.start(0, "127.0.0.1");
    base = `http://127.0.0.1:${aex.port}`;

    // Sessions were in memory: log in again (the account is in the database too).
    await logIn(page, base, "ada", "engine");
    const titles = page.locator("#notes li h2");
    await titles.first().waitFor({ timeout: 5000 });
    expect(await titles.allTextContents()).toEqual(["Kept in SQLite"]);
    await context.close();
  }, 60_000);
});
