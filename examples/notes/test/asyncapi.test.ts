// The notes demo's AsyncAPI document (asyncapi.json, written by `aex asyncapi`): the one the
// app's routes give today, valid by the AsyncAPI project's own parser, and what the live
// socket sends over a real port.
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Parser } from "@asyncapi/parser";
import Ajv from "ajv";
import WebSocket from "ws";
import { createNotesApp, type NotesApp } from "../src/app";

const root = join(__dirname, "..", "..", "..");
const notes = join(__dirname, "..");
const documentFile = join(notes, "asyncapi.json");

type Message = { name?: string; summary?: string; payload: object; $ref?: string };
type Doc = {
  asyncapi: string;
  info: { title: string; version: string };
  servers: Record<string, { host: string; protocol: string }>;
  channels: Record<string, { address: string; summary?: string; messages: Record<string, Message> }>;
  operations: Record<string, { action: string; messages: { $ref: string }[]; security?: unknown }>;
  components: { messages: Record<string, Message> };
};

const doc = JSON.parse(readFileSync(documentFile, "utf8")) as Doc;

describe("examples/notes/asyncapi.json", () => {
  it("is what `aex asyncapi` writes for the app's routes today (pnpm asyncapi rewrites it)", async () => {
    const cli = join(root, "packages", "cli", "dist", "bin.js");
    const args = ["asyncapi", "dist/api-app.js", "--title", "Aex notes", "--server", "http://localhost:3000"];
    const written = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(process.execPath, [cli, ...args], { cwd: notes }, (error, stdout, stderr) =>
        resolve({ code: error === null ? 0 : Number(error.code ?? 1), stdout, stderr }),
      );
    });
    expect({ code: written.code, stderr: written.stderr }).toEqual({ code: 0, stderr: "" });
    expect(written.stdout).toBe(readFileSync(documentFile, "utf8"));
    // The script that writes it says the same.
    const scripts = (
      JSON.parse(readFileSync(join(notes, "package.json"), "utf8")) as { scripts: Record<string, string> }
    ).scripts;
    expect(scripts.asyncapi).toBe(
      'tsc -b && aex asyncapi dist/api-app.js -o asyncapi.json --title "Aex notes" --server http://localhost:3000',
    );
  });

  it("is valid AsyncAPI 3.0.0 by the AsyncAPI project's parser (@asyncapi/parser): no error, no warning", async () => {
    const diagnostics = await new Parser().validate(readFileSync(documentFile, "utf8"));
    expect(diagnostics.filter((d) => d.severity <= 1).map((d) => `${d.code}: ${d.message}`)).toEqual([]);
  });

  it("documents the live socket: its channel, how to open it, and the three events it sends", () => {
    expect(doc.asyncapi).toBe("3.0.0");
    expect(doc.info).toEqual({ title: "Aex notes", version: "1.0.0" });
    expect(doc.servers).toEqual({ "server-ws": { host: "localhost:3000", protocol: "ws" } });
    expect(Object.keys(doc.channels)).toEqual(["live"]);
    const live = doc.channels.live;
    expect(live.address).toBe("/live");
    expect(live.summary).toBe("Live updates of the user's notes");
    expect(Object.values(live.messages).map((m) => m.name ?? m.$ref)).toEqual([
      "hello",
      "note:added",
      "note:removed",
      "#/components/messages/aexWsError",
    ]);
    // The socket only sends: the demo's page never writes to it.
    expect(Object.keys(doc.operations)).toEqual(["Notes_connect_send"]);
    expect(doc.operations.Notes_connect_send.action).toBe("send");
  });

  describe("over a real port", () => {
    let app: NotesApp;
    let dataDir: string;
    beforeAll(async () => {
      dataDir = mkdtempSync(join(tmpdir(), "notes-asyncapi-"));
      app = await createNotesApp({ secret: "test secret", database: { dataDir } });
      await app.aex.start(0, "127.0.0.1");
    });
    afterAll(async () => {
      await app?.aex.close();
      rmSync(dataDir, { recursive: true, force: true });
    });

    it("the live socket refuses a visitor with 401, then sends each event as its message says", async () => {
      const host = `127.0.0.1:${app.aex.port}`;
      const ajv = new Ajv({ strict: false });
      ajv.addFormat("date-time", /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)$/);
      const check = (key: string, message: unknown) => {
        const validate = ajv.compile(doc.channels.live.messages[key].payload);
        return validate(message) ? [] : validate.errors;
      };

      // What the description says: no session of a logged-in user, no upgrade.
      const refused = await new Promise<number>((resolve) => {
        const socket = new WebSocket(`ws://${host}/live`);
        socket.on("unexpected-response", (_req, res) => resolve(res.statusCode ?? 0));
        socket.on("error", () => undefined);
      });
      expect(refused).toBe(401);

      const page = await fetch(`http://${host}/`);
      const token = /<meta name="csrf-token" content="([^"]+)">/.exec(await page.text())![1];
      const visitor = page.headers.get("set-cookie")!.split(";")[0];
      const login = await fetch(`http://${host}/api/login`, {
        method: "POST",
        headers: { "Content-Type": "application/json", cookie: visitor, "X-CSRF-Token": token },
        body: JSON.stringify({ username: "ada", password: "engine" }),
      });
      expect(login.status).toBe(200);
      const cookie = login.headers.get("set-cookie")!.split(";")[0];
      const after = await fetch(`http://${host}/`, { headers: { cookie } });
      const fresh = /<meta name="csrf-token" content="([^"]+)">/.exec(await after.text())![1];

      const socket = new WebSocket(`ws://${host}/live`, { headers: { cookie } });
      const frames: unknown[] = [];
      const waiters: (() => void)[] = [];
      socket.on("message", (raw) => {
        frames.push(JSON.parse(String(raw)));
        waiters.splice(0).forEach((wake) => wake());
      });
      const frame = async (event: string) => {
        for (;;) {
          const found = frames.find((f) => (f as { event: string }).event === event);
          if (found !== undefined) return found;
          await new Promise<void>((resolve) => waiters.push(resolve));
        }
      };

      const hello = await frame("hello");
      expect(hello).toEqual({ event: "hello", data: { user: "ada" } });
      expect(check("hello", hello)).toEqual([]);

      const headers = { "Content-Type": "application/json", cookie, "X-CSRF-Token": fresh };
      const added = await fetch(`http://${host}/api/notes`, {
        method: "POST",
        headers,
        body: JSON.stringify({ title: "live", text: "" }),
      });
      expect(added.status).toBe(201);
      const { id } = (await added.json()) as { id: string };
      const addedFrame = await frame("note:added");
      expect(addedFrame).toMatchObject({ event: "note:added", data: { id, title: "live", text: "" } });
      expect(check("note_added", addedFrame)).toEqual([]);

      const removed = await fetch(`http://${host}/api/notes/${id}`, { method: "DELETE", headers });
      expect(removed.status).toBe(204);
      const removedFrame = await frame("note:removed");
      expect(removedFrame).toEqual({ event: "note:removed", data: { id } });
      expect(check("note_removed", removedFrame)).toEqual([]);

      // A frame the server cannot take gets the error message every WebSocket channel documents.
      socket.send("not json");
      const error = await frame("error");
      const validate = ajv.compile(doc.components.messages.aexWsError.payload);
      expect(validate(error) ? [] : validate.errors).toEqual([]);
      expect(error).toMatchObject({ data: { code: "AEX_WS_INVALID_JSON" } });
      socket.close();
    });
  });
});
