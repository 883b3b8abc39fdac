// create-aex (the built bin) into temporary folders: the files of a new project, the flags,
// a refused non-empty folder; and a project with every choice compiled and tested against
// the workspace's packages (linked, no install) to prove each flag's code is right.
import { execFile, type ExecFileException } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

jest.setTimeout(60_000);

const ROOT = join(__dirname, "..", "..", "..");
const BIN = join(__dirname, "..", "dist", "bin.js");
const VERSION = (JSON.parse(readFileSync(join(__dirname, "..", "package.json"), "utf8")) as { version: string })
  .version;

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

function run(command: string, args: string[], cwd: string): Promise<Ran> {
  return new Promise((resolve) => {
    execFile(command, args, { cwd, env: { ...process.env, LOG_LEVEL: "silent" } }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof (error as ExecFileException).code === "number" ? Number(error.code) : 1;
      resolve({ code, stdout, stderr });
    });
  });
}

const createAex = (args: string[], cwd: string) => run(process.execPath, [BIN, ...args], cwd);

let temp: string;
beforeEach(() => {
  temp = mkdtempSync(join(tmpdir(), "create-aex-"));
});
afterEach(() => rmSync(temp, { recursive: true, force: true }));

const read = (path: string) => readFileSync(join(temp, path), "utf8");
const json = <T>(path: string) => JSON.parse(read(path)) as T;

interface PackageJson {
  name: string;
  type: string;
  scripts: Record<string, string>;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
}

describe("create-aex", () => {
  it("scaffolds package.json, tsconfig.json, a controller, main, a test and a README", async () => {
    const { code, stdout, stderr } = await createAex(["my-app"], temp);
    expect({ code, stderr }).toEqual({ code: 0, stderr: "" });
    expect(stdout).toContain("cd my-app\n  npm install\n  npm run dev");
    const files = readdirSync(join(temp, "my-app"), { recursive: true }).map(String).sort();
    expect(files).toEqual([
      ".gitignore",
      "README.md",
      "package.json",
      "src",
      "src/app.test.ts",
      "src/app.ts",
      "src/main.ts",
      "tsconfig.json",
    ]);
    const pkg = json<PackageJson>("my-app/package.json");
    expect(pkg.name).toBe("my-app");
    expect(pkg.type).toBe("module");
    expect(pkg.scripts).toEqual({
      build: "tsc",
      start: "aex start dist/main.js",
      dev: "aex dev src/main.ts",
      test: "tsc && node --test dist/app.test.js",
      routes: "aex routes dist/app.js",
    });
    expect(pkg.dependencies).toEqual({
      "@aex/cli": `^${VERSION}`,
      "@aex/core": `^${VERSION}`,
      "@aex/openapi": `^${VERSION}`,
    });
    const tsconfig = json<{ compilerOptions: Record<string, unknown> }>("my-app/tsconfig.json");
    expect(tsconfig.compilerOptions).toMatchObject({ target: "es2022", module: "nodenext" });
    expect(tsconfig.compilerOptions.experimentalDecorators).toBeUndefined();
    expect(read("my-app/src/app.ts")).toContain('@get("/hello/:name")');
    expect(read("my-app/src/app.ts")).not.toContain("@aex/session");
    expect(read("my-app/src/app.test.ts")).toContain('await aex.inject().get("/hello/ada")');
    expect(read("my-app/README.md")).toContain("npm run dev");
    expect(read("my-app/README.md")).toContain("npm test");
  });

  it("the flags add their imports, registration and dependencies", async () => {
    expect((await createAex(["full", "--session", "--template", "--ws", "--redis"], temp)).code).toBe(0);
    const pkg = json<PackageJson>("full/package.json");
    expect(Object.keys(pkg.dependencies)).toEqual([
      "@aex/cli",
      "@aex/core",
      "@aex/openapi",
      "@aex/session",
      "@aex/template",
      "@aex/ws",
      "nunjucks",
      "redis",
    ]);
    const app = read("full/src/app.ts");
    expect(app).toContain('import { MemoryStore, session } from "@aex/session";');
    expect(app).toContain('import { RedisStore } from "@aex/session/redis";');
    expect(app).toContain("@session(store)");
    expect(app).toContain("@template(nunjucks, views)");
    expect(read("full/src/main.ts")).toContain("const ws = new WebSocketServer(server);");
    expect(read("full/views/page.html")).toContain("Hello, {{ name }}!");
  });

  it("--redis alone implies --session", async () => {
    expect((await createAex(["r", "--redis"], temp)).code).toBe(0);
    expect(Object.keys(json<PackageJson>("r/package.json").dependencies)).toEqual([
      "@aex/cli",
      "@aex/core",
      "@aex/openapi",
      "@aex/session",
      "redis",
    ]);
  });

  it("refuses a non-empty folder with exit code 1 and touches nothing", async () => {
    mkdirSync(join(temp, "taken"));
    writeFileSync(join(temp, "taken", "notes.txt"), "mine");
    const { code, stdout, stderr } = await createAex(["taken"], temp);
    expect({ code, stdout, stderr }).toEqual({
      code: 1,
      stdout: "",
      stderr: "create-aex: taken is not empty; choose a new folder name\n",
    });
    expect(readdirSync(join(temp, "taken"))).toEqual(["notes.txt"]);
  });

  it("a wrong command line exits with code 2 and the usage", async () => {
    const unknown = await createAex(["app", "--mongo"], temp);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^create-aex: unknown option: --mongo\n\nUsage: npm create aex@latest/);
    expect((await createAex([], temp)).stderr).toMatch(/^create-aex: no folder given/);
    expect(readdirSync(temp)).toEqual([]);
  });

  it("a project with every choice compiles and passes its own tests against the workspace packages", async () => {
    expect((await createAex(["full", "--session", "--template", "--ws", "--redis"], temp)).code).toBe(0);
    const project = join(temp, "full");
    // Linked like an install would place them (the packages' dist is built by tsc -b).
    mkdirSync(join(project, "node_modules", "@aex"), { recursive: true });
    mkdirSync(join(project, "node_modules", "@types"), { recursive: true });
    for (const name of ["core", "session", "template", "ws", "cli"]) {
      symlinkSync(join(ROOT, "packages", name), join(project, "node_modules", "@aex", name));
    }
    symlinkSync(join(ROOT, "node_modules", "@types", "node"), join(project, "node_modules", "@types", "node"));
    // The ESM entries (dist/*.mjs) a "type": "module" project imports.
    expect((await run(process.execPath, [join(ROOT, "scripts", "build-esm.mjs")], ROOT)).code).toBe(0);
    const tsc = await run(process.execPath, [join(ROOT, "node_modules", "typescript", "bin", "tsc")], project);
    expect(tsc).toEqual({ code: 0, stdout: "", stderr: "" });
    const tests = await run(process.execPath, ["--test", "dist/app.test.js"], project);
    expect(tests.stdout).toContain("# pass 3\n");
    expect(tests.stdout).toContain("# fail 0\n");
    expect(tests.code).toBe(0);
    const routes = await run(process.execPath, [join(ROOT, "packages", "cli", "dist", "bin.js"), "routes"], project);
    expect(routes.stdout).toContain("GET     /visits       session   Hello.visits\n");
    expect(routes.stdout).toContain("GET     /page         template  Hello.page\n");
  });
});
