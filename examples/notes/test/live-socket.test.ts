import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import WebSocket from "ws";
import type { Aex } from "@aex/core";
import { createNotesApp } from "../src/app";

/** The next `{ event, data }` message of `event` on a ws client. */
function next(socket: WebSocket, event: string): Promise<unknown> {
  return new Promise((resolve) => {
    const onMessage = (raw: WebSocket.RawData) => {
      const message = JSON.parse(String(raw)) as { event: string; data: unknown };
      if (message.event !== event) return;
      socket.off("message", onMessage);
      resolve(message.data);
    };
    socket.on("message", onMessage);
  });
}

describe("the live socket, over a real port", () => {
  let aex: Aex;
  let host: string;
  beforeAll(async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "notes-test-")); // a SQLite file of its own
    ({ aex } = await createNotesApp({ secret: "test secret", database: { dataDir } }));
    await aex.start(0, "127.0.0.1"); // port 0: any free port
    host = `127.0.0.1:${aex.port}`;
  });
  afterAll(() => aex.close()); // also closes the WebSockets (1001)

  it("greets a logged-in client and pushes the notes it adds", async () => {
    // The page first, as a browser: a session cookie and the page's CSRF token.
    const page = await fetch(`http://${host}/`);
    const token = /<meta name="csrf-token" content="([^"]+)">/.exec(await page.text())![1];
    const visitor = page.headers.get("set-cookie")!.split(";")[0];
    const login = await fetch(`http://${host}/api/login`, {
      method: "POST",
      headers: { "Content-Type": "application/json", cookie: visitor, "X-CSRF-Token": token },
      body: JSON.stringify({ username: "ada", password: "engine" }),
    });
    const cookie = login.headers.get("set-cookie")!.split(";")[0]; // a new id at login
    // The new id has a new CSRF token: the page loaded after the login carries it.
    const after = await fetch(`http://${host}/`, { headers: { cookie } });
    const fresh = /<meta name="csrf-token" content="([^"]+)">/.exec(await after.text())![1];

    const socket = new WebSocket(`ws://${host}/live`, { headers: { cookie } });
    const hello = next(socket, "hello");
    await new Promise((resolve) => socket.once("open", resolve));
    expect(await hello).toEqual({ user: "ada" });

    const added = next(socket, "note:added");
    await fetch(`http://${host}/api/notes`, {
      method: "POST",
      headers: { "Content-Type": "application/json", cookie, "X-CSRF-Token": fresh },
      body: JSON.stringify({ title: "live", text: "" }),
    });
    expect(await added).toMatchObject({ title: "live", text: "" });
    socket.close();
  });
});
