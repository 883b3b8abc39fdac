import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Aex } from "@aex/core";
import type { TestClient } from "@aex/core/testing";
import { createNotesApp } from "../src/app";

/** A browser's client: it loaded the page, so it has a session and the page's CSRF token. */
async function visitor(aex: Aex): Promise<TestClient> {
  const client = aex.inject(); // keeps cookies between requests, as a browser does
  const page = (await client.get("/")).text();
  const token = /<meta name="csrf-token" content="([^"]+)">/.exec(page)![1];
  client.headers.set("x-csrf-token", token); // sent with every later request
  return client;
}

describe("the notes API, in process", () => {
  let aex: Aex;
  beforeAll(async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "notes-test-")); // a SQLite file of its own
    ({ aex } = await createNotesApp({ secret: "test secret", database: { dataDir } }));
  });
  afterAll(() => aex.close());

  it("logs in, adds a note and lists it", async () => {
    const ada = await visitor(aex);
    const login = await ada.post("/api/login").json({ username: "ada", password: "engine" });
    expect(login.status).toBe(200);
    expect(login.json()).toEqual({ user: "ada" });
    // The login gave the session a new id and a new CSRF token: load the page again, as its script does.
    const reloaded = (await ada.get("/")).text();
    ada.headers.set("x-csrf-token", /<meta name="csrf-token" content="([^"]+)">/.exec(reloaded)![1]);

    const added = await ada.post("/api/notes").json({ title: "first", text: "hello" });
    expect(added.status).toBe(201);
    const page = (await ada.get("/api/notes").query({ page: 1 })).json<{ notes: { title: string }[] }>();
    expect(page.notes.map((note) => note.title)).toEqual(["first"]);
  });

  it("refuses the live socket before login, and opens it after", async () => {
    const grace = await visitor(aex);
    const refused = await grace.ws("/live");
    expect(refused.status).toBe(401);
    expect(refused.socket).toBeNull();

    await grace.post("/api/login").json({ username: "grace", password: "cobol" });
    const live = await grace.ws("/live");
    expect(live.status).toBe(101);
    expect(await live.socket!.next("hello")).toEqual({ user: "grace" });
    live.socket!.close();
  });
});
