// `aex routes`, `aex openapi`, `--help` and wrong command lines against the fixture app
// (test/fixtures/app.js: compiled-style CommonJS, decorators applied as tsc's output does).
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FIXTURES, aex } from "./run-aex";

jest.setTimeout(30_000);

describe("aex routes", () => {
  it("prints every route as a table: method, path, steps in order, controller method", async () => {
    const { code, stdout, stderr } = await aex(["routes", "app.js"]);
    expect({ code, stderr }).toEqual({ code: 0, stderr: "" });
    expect(stdout.split("\n")).toEqual([
      "METHOD  PATH    STEPS                       HANDLER",
      "GET     /notes  -                           Notes.list",
      "POST    /notes  body(urlencoded) > audited  Notes.create",
      "",
    ]);
  });

  it("--json prints the same rows as JSON", async () => {
    const { code, stdout } = await aex(["routes", "app.js", "--json"]);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual([
      { method: "GET", path: "/notes", steps: [], handler: "Notes.list" },
      { method: "POST", path: "/notes", steps: ["body(urlencoded)", "audited"], handler: "Notes.create" },
    ]);
  });

  it("loads an ESM module whose default export is a function returning the app", async () => {
    const { code, stdout } = await aex(["routes", "factory.mjs"]);
    expect(code).toBe(0);
    expect(stdout).toContain("POST    /notes  body(urlencoded) > audited  Notes.create\n");
  });

  it("refuses a module that exports no app, and a missing entry, with exit code 1", async () => {
    const noApp = await aex(["routes", "no-app.js"]);
    expect(noApp).toEqual({
      code: 1,
      stdout: "",
      stderr: "aex: no-app.js exports no Aex app: export it as `aex` or default, or a function returning one\n",
    });
    const missing = await aex(["routes", "nowhere.js"]);
    expect(missing).toEqual({
      code: 1,
      stdout: "",
      stderr: "aex: no such entry: nowhere.js (build the project first?)\n",
    });
  });
});

describe("aex openapi", () => {
  it("-o writes the generated OpenAPI document", async () => {
    const dir = mkdtempSync(join(tmpdir(), "aex-openapi-"));
    try {
      const out = join(dir, "openapi.json");
      const { code, stderr } = await aex(["openapi", "app.js", "-o", out, "--title", "Notes API"]);
      expect({ code, stderr }).toEqual({ code: 0, stderr: `aex: wrote ${out}\n` });
      const doc = JSON.parse(readFileSync(out, "utf8")) as {
        openapi: string;
        info: { title: string };
        paths: Record<string, Record<string, { operationId: string; requestBody?: unknown }>>;
      };
      expect(doc.openapi).toBe("3.1.0");
      expect(doc.info.title).toBe("Notes API");
      expect(Object.keys(doc.paths)).toEqual(["/notes"]);
      expect(doc.paths["/notes"].get.operationId).toBe("list");
      expect(doc.paths["/notes"].post.operationId).toBe("create");
      expect(doc.paths["/notes"].post.requestBody).toBeDefined();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("without -o prints the document on stdout", async () => {
    const { code, stdout } = await aex(["openapi", join(FIXTURES, "app.js")]);
    expect(code).toBe(0);
    expect((JSON.parse(stdout) as { info: { title: string } }).info.title).toBe("Aex app");
  });

  it("names the package to install when the app has no @aex/openapi, with exit code 1", async () => {
    // An app folder outside the workspace with @aex/core alone, as `npm i @aex/core` leaves it.
    const dir = mkdtempSync(join(tmpdir(), "aex-no-openapi-"));
    try {
      mkdirSync(join(dir, "node_modules", "@aex"), { recursive: true });
      symlinkSync(join(__dirname, "..", "..", "core"), join(dir, "node_modules", "@aex", "core"));
      copyFileSync(join(FIXTURES, "app.js"), join(dir, "app.js"));
      // No NODE_PATH: jest's bin wrapper (pnpm's) points it at the workspace's hoisted
      // packages, @aex/openapi among them, which a user's shell does not have.
      expect(await aex(["openapi", "app.js"], dir, { NODE_PATH: "" })).toEqual({
        code: 1,
        stdout: "",
        stderr:
          "aex: aex openapi needs @aex/openapi, which app.js cannot load: install it beside the app (npm install @aex/openapi)\n",
      });
      // The rest of the command works without it.
      const routes = await aex(["routes", "app.js"], dir);
      expect({ code: routes.code, stderr: routes.stderr }).toEqual({ code: 0, stderr: "" });
      expect(routes.stdout).toContain("POST    /notes  body(urlencoded) > audited  Notes.create\n");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("aex command line", () => {
  it("--help prints the usage with exit code 0", async () => {
    const { code, stdout } = await aex(["--help"]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Usage: aex <command> \[entry\] \[options\]/);
    for (const command of ["routes", "openapi", "dev", "start"]) expect(stdout).toContain(`\n  ${command} [entry]`);
  });

  it("an unknown command exits with code 2 and the usage on stderr", async () => {
    const { code, stdout, stderr } = await aex(["deploy"]);
    expect({ code, stdout }).toEqual({ code: 2, stdout: "" });
    expect(stderr).toMatch(/^aex: unknown command: deploy\n\nUsage: aex/);
  });

  it("no command exits with code 2", async () => {
    const { code, stderr } = await aex([]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/^aex: no command given/);
  });
});
