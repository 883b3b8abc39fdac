import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Aex } from "@aex/core";
import type { TestClient } from "@aex/core/testing";
import { createNotesApp, type NotesApp } from "../src/app";
import type { DatabaseOptions } from "../src/database/open-database";
import { listNotes } from "../src/notes-store";
import { startPostgres, type PostgresServer } from "./support/postgres-server";

// One PostgreSQL server for the file (a few seconds to start); each database below gets
// its own empty database in it, or its own SQLite folder.
let postgres: PostgresServer;
const folders: string[] = [];

beforeAll(async () => {
  postgres = await startPostgres();
}, 60_000);

afterAll(async () => {
  await postgres?.stop();
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

/** A folder that does not exist yet, in a temporary one removed after the file. */
function newDataDir(): string {
  const folder = mkdtempSync(join(tmpdir(), "aex-notes-"));
  folders.push(folder);
  return join(folder, "data");
}

/**
 * A browser's client: it loaded the page first, so it holds the session cookie and sends the
 * page's CSRF token with every request, as the page's script does.
 */
async function visitor(aex: Aex): Promise<TestClient> {
  const client = aex.inject();
  const page = (await client.get("/")).text();
  const token = /<meta name="csrf-token" content="([^"]+)">/.exec(page)?.[1];
  if (token === undefined) throw new Error("the page carries no CSRF token");
  client.headers.set("x-csrf-token", token);
  return client;
}

/**
 * Logs the visitor in, then loads the page again as the page's script does after a login
 * (`location.reload()`): the login gave the session a new id, which refuses the CSRF token
 * of the page loaded before it.
 */
async function logIn(client: TestClient, username: string, password: string) {
  const login = await client.post("/api/login").json({ username, password });
  const token = /<meta name="csrf-token" content="([^"]+)">/.exec((await client.get("/")).text())?.[1];
  if (token !== undefined) client.headers.set("x-csrf-token", token);
  return login;
}

let databases = 0;
const BACKENDS: [string, () => Promise<DatabaseOptions>][] = [
  ["SQLite", async () => ({ dataDir: newDataDir() })],
  ["PostgreSQL", async () => ({ url: await postgres.createDatabase(`notes_${++databases}`) })],
];

describe.each(BACKENDS)("examples/notes API on %s (in-process TestClient)", (_name, newDatabase) => {
  let database: DatabaseOptions;
  let app: NotesApp;
  let aex: Aex;
  beforeAll(async () => {
    database = await newDatabase();
    app = await createNotesApp({ secret: "test", database });
    aex = app.aex;
  });
  afterAll(() => aex?.close());

  it("made its tables at start, reached through scope.orm", async () => {
    const tables = (await app.db.introspection.getTables()).map((table) => table.name).sort();
    expect(tables).toEqual(["notes", "users"]);
    expect(aex.orm.db).toBe(app.db);
    // The store's queries run on the empty tables.
    expect(await listNotes(app.db, "nobody", 0, 10)).toEqual({ notes: [], total: 0 });
    if (database.dataDir) expect(existsSync(join(database.dataDir, "notes.sqlite"))).toBe(true);
  });

  it("serves the login page to visitors", async () => {
    const res = await aex.inject().get("/");
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toBe("text/html; charset=utf-8");
    expect(res.text()).toContain('<form id="login">');
  });

  it("serves the page under its CSP: the one script carries the response's nonce", async () => {
    const res = await aex.inject().get("/");
    const nonce = /script-src 'self' 'nonce-([^']+)'/.exec(String(res.headers["content-security-policy"]))?.[1];
    expect(nonce).toBeDefined();
    expect(res.text()).toContain(`<script src="/assets/app.js" nonce="${nonce}"></script>`);
    expect(res.text().match(/<script/g)).toHaveLength(1);
    expect(res.headers["x-content-type-options"]).toBe("nosniff");
  });

  it("refuses an unsafe request without the page's CSRF token (403), and with a wrong one", async () => {
    const stranger = aex.inject();
    const missing = await stranger.post("/api/login").json({ username: "mallory", password: "secret" });
    expect(missing.status).toBe(403);
    expect(missing.json()).toMatchObject({ status: 403, code: "AEX_CSRF_MISSING" });
    const wrong = await (
      await visitor(aex)
    )
      .post("/api/login")
      .set("x-csrf-token", "forged")
      .json({ username: "mallory", password: "secret" });
    expect(wrong.status).toBe(403);
    expect(wrong.json()).toMatchObject({ code: "AEX_CSRF_INVALID" });
    const crossSite = await (
      await visitor(aex)
    )
      .post("/api/login")
      .set("origin", "https://evil.example")
      .json({ username: "mallory", password: "secret" });
    expect(crossSite.status).toBe(403);
    expect(crossSite.json()).toMatchObject({ code: "AEX_CSRF_ORIGIN" });
  });

  it("limits logins to 5 a minute per account name, whatever the client (429 with Retry-After)", async () => {
    for (let i = 0; i < 5; i++) {
      const res = await (await visitor(aex)).post("/api/login").json({ username: "Target", password: "guess" + i });
      expect(res.status).toBe(i === 0 ? 200 : 401);
    }
    const sixth = await (await visitor(aex)).post("/api/login").json({ username: "target", password: "guess5" });
    expect(sixth.status).toBe(429);
    expect(Number(sixth.headers["retry-after"])).toBeGreaterThan(0);
    expect(sixth.json()).toMatchObject({ status: 429, code: "AEX_RATE_LIMITED" });
    // Another account is not affected.
    const other = await (await visitor(aex)).post("/api/login").json({ username: "bystander", password: "secret" });
    expect(other.status).toBe(200);
  });

  it("serves its assets", async () => {
    const res = await (await visitor(aex)).get("/assets/app.js");
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toMatch(/javascript/);
  });

  it("needs a login for the API", async () => {
    const res = await (await visitor(aex)).get("/api/notes");
    expect(res.status).toBe(401);
    expect(res.json()).toEqual({
      type: "about:blank",
      status: 401,
      title: "Unauthorized",
      detail: "Log in first",
      instance: "/api/notes",
      requestId: res.headers["x-request-id"],
    });
  });

  it("checks the login of the live socket in the same step as the API's, before the upgrade", async () => {
    const anonymous = await (await visitor(aex)).ws("/live");
    expect(anonymous.status).toBe(401);
    expect(anonymous.socket).toBeNull();
    expect(anonymous.json()).toEqual({
      type: "about:blank",
      status: 401,
      title: "Unauthorized",
      detail: "Log in first",
      instance: "/live",
      requestId: expect.any(String),
    });

    const grace = await visitor(aex);
    await logIn(grace, "grace", "cobol");
    const live = await grace.ws("/live");
    expect(live.status).toBe(101);
    expect(await live.socket!.next("hello")).toEqual({ user: "grace" });
    const added = await grace.post("/api/notes").json({ title: "live", text: "" });
    expect(await live.socket!.next("note:added")).toEqual(added.json());
    live.socket!.close();
  });

  it("validates the login body", async () => {
    const res = await (await visitor(aex)).post("/api/login").json({ username: "a", password: "secret" });
    expect(res.status).toBe(400);
    expect(res.json()).toMatchObject({ code: "AEX_FILTER_INVALID", details: { in: "body", field: "username" } });
  });

  it("logs in, adds, lists (paginated), deletes notes, and logs out", async () => {
    const ada = await visitor(aex);
    expect((await logIn(ada, "ada", "engine")).json()).toEqual({
      user: "ada",
    });
    expect((await ada.get("/")).text()).toContain('<b id="user">ada</b>');
    for (let i = 1; i <= 12; i++) {
      const added = await ada.post("/api/notes").json({ title: `note ${i}`, text: "<b>bold?</b>" });
      expect(added.status).toBe(201);
      expect(added.json()).toEqual({
        id: expect.stringMatching(/^\d+$/),
        title: `note ${i}`,
        text: "<b>bold?</b>",
        createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      });
    }
    const page1 = (await ada.get("/api/notes")).json<{ notes: { id: string; title: string }[]; total: number }>();
    expect(page1.total).toBe(12);
    expect(page1.notes).toHaveLength(10);
    expect(page1.notes[0].title).toBe("note 12");
    const page2 = (await ada.get("/api/notes").query({ page: 2 })).json<{ notes: unknown[] }>();
    expect(page2.notes).toEqual([
      expect.objectContaining({ title: "note 2" }),
      expect.objectContaining({ title: "note 1" }),
    ]);
    expect((await ada.delete(`/api/notes/${page1.notes[0].id}`)).status).toBe(204);
    expect((await ada.delete(`/api/notes/${page1.notes[0].id}`)).status).toBe(404);
    // Ids that no note can have: not a number, or past the largest id.
    expect((await ada.delete("/api/notes/first")).status).toBe(404);
    expect((await ada.delete("/api/notes/99999999999")).status).toBe(404);
    expect((await ada.get("/api/notes")).json()).toMatchObject({ total: 11 });

    // Another user sees none of them, and cannot delete them.
    const bob = await visitor(aex);
    await logIn(bob, "bob", "builder");
    expect((await bob.get("/api/notes")).json()).toMatchObject({ total: 0, notes: [] });
    expect((await bob.delete(`/api/notes/${page1.notes[1].id}`)).status).toBe(404);

    expect((await ada.post("/api/logout")).json()).toEqual({ user: null });
    expect((await ada.get("/api/notes")).status).toBe(401);
  });

  it("refuses a wrong password and an invalid note", async () => {
    const eve = await visitor(aex);
    await eve.post("/api/login").json({ username: "eve", password: "first" });
    const wrong = await (await visitor(aex)).post("/api/login").json({ username: "eve", password: "guess" });
    expect(wrong.status).toBe(401);
    expect(wrong.json()).toMatchObject({ status: 401, detail: "Wrong password" });
    const empty = await eve.post("/api/notes").json({ title: "" });
    expect(empty.status).toBe(400);
    expect(empty.json()).toMatchObject({ code: "AEX_FILTER_INVALID" });
    const huge = await eve.post("/api/notes").json({ title: "x", text: "y".repeat(20_000) });
    expect(huge.status).toBe(413);
  });

  it("makes one account when two first logins with one name race", async () => {
    const [first, second] = await Promise.all([
      (await visitor(aex)).post("/api/login").json({ username: "twin", password: "first" }),
      (await visitor(aex)).post("/api/login").json({ username: "twin", password: "second" }),
    ]);
    expect([first.status, second.status].sort()).toEqual([200, 401]);
  });

  it("shares notes between two instances, and keeps them and the accounts over a restart", async () => {
    const other = await createNotesApp({ secret: "test", database });
    const lin = await visitor(other.aex);
    await logIn(lin, "lin", "lovelace");
    const note = (await lin.post("/api/notes").json({ title: "kept", text: "in the database" })).json();
    // The first instance sees the note the second one added.
    const linHere = await visitor(aex);
    expect((await linHere.post("/api/login").json({ username: "lin", password: "lovelace" })).status).toBe(200);
    expect((await linHere.get("/api/notes")).json()).toMatchObject({ total: 1, notes: [note] });
    await other.aex.close();

    // A new instance, as after a restart: the migrations are done, the data is there.
    const restarted = await createNotesApp({ secret: "test", database });
    try {
      const again = await visitor(restarted.aex);
      const wrong = await again.post("/api/login").json({ username: "lin", password: "babbage" });
      expect(wrong.status).toBe(401);
      expect((await again.post("/api/login").json({ username: "lin", password: "lovelace" })).status).toBe(200);
      expect((await again.get("/api/notes")).json()).toEqual({ notes: [note], total: 1, page: 1, limit: 10 });
    } finally {
      await restarted.aex.close();
    }
  });
});

describe("examples/notes without its database", () => {
  it("does not start when PostgreSQL cannot be reached", async () => {
    // A port that was free a moment ago: nothing listens there.
    const { createServer } = await import("node:net");
    const port = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, "127.0.0.1", () => {
        const { port } = server.address() as { port: number };
        server.close(() => resolve(port));
      });
    });
    const url = `postgres://aex@127.0.0.1:${port}/notes`;
    await expect(createNotesApp({ database: { url } })).rejects.toThrow(
      `Could not migrate PostgreSQL (127.0.0.1:${port}/notes)`,
    );
  });
});
