// The notes demo's generated client (client/notes-client.ts, written by `aex client`): it is
// the one the app's routes give today, it calls the app over real HTTP with typed answers and
// problem details, and a program using it does not compile with a wrong field or a wrong path.
import { execFile, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createClient, type AexClient } from "../client/notes-client";
import apiApp from "../src/api-app";
import { createNotesApp, type NotesApp } from "../src/app";

const root = join(__dirname, "..", "..", "..");
const notes = join(__dirname, "..");
const clientFile = join(notes, "client", "notes-client.ts");

describe("examples/notes/client/notes-client.ts", () => {
  let app: NotesApp;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "notes-client-"));
    app = await createNotesApp({ secret: "test", database: { dataDir } });
  });
  afterAll(async () => {
    await app?.aex.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("is what `aex client` writes for the app's routes today (pnpm client rewrites it)", async () => {
    // src/api-app.ts, which the command reads, has the app's routes without its database.
    const rows = (routes: ReturnType<NotesApp["aex"]["routes"]>) =>
      routes.map(({ method, path, steps, controller, handler }) => ({ method, path, steps, controller, handler }));
    expect(rows(apiApp().routes())).toEqual(rows(app.aex.routes()));
    const cli = join(root, "packages", "cli", "dist", "bin.js");
    const written = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(
        process.execPath,
        [cli, "client", "dist/api-app.js", "--title", "Aex notes"],
        { cwd: notes, maxBuffer: 8 * 1024 * 1024 },
        (error, stdout, stderr) => resolve({ code: error === null ? 0 : Number(error.code ?? 1), stdout, stderr }),
      );
    });
    expect({ code: written.code, stderr: written.stderr }).toEqual({ code: 0, stderr: "" });
    expect(written.stdout).toBe(readFileSync(clientFile, "utf8"));
  });

  it("calls the app over real HTTP: typed answers, and problem details as errors", async () => {
    await app.aex.start(0, "127.0.0.1");
    const origin = `http://127.0.0.1:${app.aex.port}`;
    const api = createClient({ baseUrl: origin });
    const browser = asBrowser(api);

    // Unsafe requests need the page's CSRF token: without it, a 403 problem.
    const refused = await api.POST("/api/login", { body: { username: "ada", password: "secret" } });
    expect(refused.response.status).toBe(403);
    expect(refused.response.headers.get("content-type")).toMatch(/^application\/problem\+json/);
    expect(refused.error).toMatchObject({ status: 403, code: "AEX_CSRF_MISSING", instance: "/api/login" });

    await browser.loadPage(origin);
    const login = await api.POST("/api/login", { body: { username: "ada", password: "secret" } });
    expect(login.response.status).toBe(200);
    expect(login.data).toEqual({ user: "ada" });
    await browser.loadPage(origin); // a login gives the session a new id, and so a new token

    const added = await api.POST("/api/notes", { body: { title: "Groceries", text: "milk" } });
    expect(added.response.status).toBe(201);
    expect(added.data).toMatchObject({ title: "Groceries", text: "milk" });
    const id = added.data!.id;

    const listed = await api.GET("/api/notes");
    expect(listed.response.status).toBe(200);
    expect(listed.data).toEqual({ notes: [added.data], total: 1, page: 1, limit: 10 });

    const invalid = await api.POST("/api/notes", { body: { title: "" } });
    expect(invalid.response.status).toBe(400);
    expect(invalid.error).toMatchObject({ status: 400, code: "AEX_FILTER_INVALID" });
    expect(invalid.error?.errors).toEqual([{ field: "title", rule: "required", message: "title is required" }]);

    const removed = await api.DELETE("/api/notes/{id}", { params: { path: { id } } });
    expect(removed.response.status).toBe(204);
    expect([removed.data, removed.error]).toEqual([undefined, undefined]);
    const again = await api.DELETE("/api/notes/{id}", { params: { path: { id } } });
    expect(again.response.status).toBe(404);
    expect(again.error).toMatchObject({ status: 404, detail: "No such note", instance: `/api/notes/${id}` });

    await api.POST("/api/logout");
    const loggedOut = await api.GET("/api/notes");
    expect(loggedOut.response.status).toBe(401);
    expect(loggedOut.error).toMatchObject({ status: 401, detail: "Log in first" });
  });

  it("types the calls: a wrong field, a wrong path, a missing parameter do not compile (one tsc run)", () => {
    // client-usage.types.ts as it is (every @ts-expect-error must be an error), and a copy
    // without the directives, whose errors say which one each line is.
    const dir = join(root, ".tmp", "notes-client-types");
    mkdirSync(dir, { recursive: true });
    const usage = readFileSync(join(__dirname, "client-usage.types.ts"), "utf8");
    const bare = usage
      .replace(/^ *\/\/ @ts-expect-error.*\n/gm, "")
      .replace('"../client/notes-client"', JSON.stringify(clientFile.replace(/\.ts$/, "")));
    writeFileSync(join(dir, "errors.ts"), bare);
    writeFileSync(
      join(dir, "tsconfig.json"),
      JSON.stringify({
        extends: join(root, "tsconfig.base.json"),
        compilerOptions: { noEmit: true, declaration: false, declarationMap: false, types: ["node"] },
        files: [join(__dirname, "client-usage.types.ts"), join(dir, "errors.ts")],
      }),
    );
    const tsc = join(root, "node_modules", ".bin", "tsc");
    const run = spawnSync(tsc, ["-p", join(dir, "tsconfig.json"), "--pretty", "false"], { encoding: "utf8" });
    const lineOf = (text: string) => bare.split("\n").indexOf(text) + 1;
    expect(
      run.stdout
        .split("\n")
        .filter((line) => /error TS/.test(line))
        .map((line) => line.replace(/^.*?([\w.-]+\.ts)\((\d+),\d+\): error (TS\d+).*$/, "$1:$2 $3")),
    ).toEqual([
      `errors.ts:${lineOf('  await api.POST("/api/notes", { body: { title: "Groceries", txt: "milk" } });')} TS2561`,
      `errors.ts:${lineOf('  await api.GET("/notes");')} TS2345`,
      `errors.ts:${lineOf('  await api.DELETE("/api/notes/{id}");')} TS2554`,
      `errors.ts:${lineOf("  console.log(data?.notes[0].name);")} TS2339`,
    ]);
    // A whole tsc run: a few seconds on a quiet machine.
  }, 120_000);
});

/**
 * What a browser does for the page's script: it keeps the session cookie and sends the page's
 * CSRF token with every request (openapi-fetch middleware on the client).
 */
function asBrowser(api: AexClient) {
  const cookies = new Map<string, string>();
  let token: string | undefined;
  const cookieHeader = () => [...cookies].map(([name, value]) => `${name}=${value}`).join("; ");
  const keep = (response: Response) => {
    for (const line of response.headers.getSetCookie()) {
      const pair = line.split(";")[0];
      cookies.set(pair.slice(0, pair.indexOf("=")), pair.slice(pair.indexOf("=") + 1));
    }
  };
  api.use({
    onRequest({ request }) {
      if (cookies.size > 0) request.headers.set("cookie", cookieHeader());
      if (token !== undefined) request.headers.set("x-csrf-token", token);
      return request;
    },
    onResponse({ response }) {
      keep(response);
    },
  });
  return {
    /** Loads the HTML page (not a route of the client: it answers HTML) and takes its token. */
    async loadPage(origin: string): Promise<void> {
      const page = await fetch(`${origin}/`, { headers: cookies.size > 0 ? { cookie: cookieHeader() } : {} });
      keep(page);
      token = /<meta name="csrf-token" content="([^"]+)">/.exec(await page.text())?.[1];
      if (token === undefined) throw new Error("the page carries no CSRF token");
    },
  };
}
