// create-aex (the built bin) into temporary folders: the files of a new project, the flags,
// --from, a refused non-empty folder, the Dockerfile's structure; and a project with every
// choice compiled with TypeScript 7, tested, linted and started against the workspace's
// packages (linked, no install) to prove each flag's code is right.
import { execFile, type ExecFileException } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { dockerfileProblems, finalEnv } from "./support/dockerfile";

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
  engines: Record<string, string>;
  scripts: Record<string, string>;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
}

/** TypeScript 7's tsc: the root's @typescript/native (npm:typescript@^7), as the project's own. */
const TSC7 = join(ROOT, "node_modules", "@typescript", "native", "bin", "tsc");

describe("create-aex", () => {
  it("scaffolds package.json, tsconfig.json, lint configs, .env.example, a Dockerfile, the sources, a test and a README", async () => {
    const { code, stdout, stderr } = await createAex(["my-app"], temp);
    expect({ code, stderr }).toEqual({ code: 0, stderr: "" });
    expect(stdout).toContain("cd my-app\n  npm install\n  npm run dev");
    const files = readdirSync(join(temp, "my-app"), { recursive: true }).map(String).sort();
    expect(files).toEqual([
      ".dockerignore",
      ".env.example",
      ".gitignore",
      ".prettierignore",
      ".prettierrc.json",
      "Dockerfile",
      "README.md",
      "eslint.config.js",
      "package.json",
      "src",
      "src/app.test.ts",
      "src/app.ts",
      "src/env.ts",
      "src/main.ts",
      "tsconfig.json",
    ]);
    const pkg = json<PackageJson>("my-app/package.json");
    expect(pkg.name).toBe("my-app");
    expect(pkg.type).toBe("module");
    expect(pkg.engines).toEqual({ node: ">=22" });
    expect(pkg.scripts).toEqual({
      build: "tsc",
      start: "node dist/main.js",
      dev: "aex dev src/main.ts",
      test: "tsc && node --test dist/app.test.js",
      lint: "eslint . && prettier --check .",
      format: "prettier --write .",
      routes: "aex routes dist/app.js",
    });
    // What runs in production only: the CLI and the OpenAPI writer are development tools.
    expect(pkg.dependencies).toEqual({ "@aex/core": `^${VERSION}` });
    expect(pkg.devDependencies).toEqual({
      "@aex/cli": `^${VERSION}`,
      "@aex/openapi": `^${VERSION}`,
      "@eslint/js": expect.stringMatching(/^\^10\./),
      "@types/node": expect.stringMatching(/^\^22\./),
      "@typescript/native": expect.stringMatching(/^npm:typescript@\^7\./),
      eslint: expect.stringMatching(/^\^10\./),
      prettier: expect.stringMatching(/^\^3\./),
      typescript: expect.stringMatching(/^npm:@typescript\/typescript6@\^6\./),
      "typescript-eslint": expect.stringMatching(/^\^8\./),
    });
    const tsconfig = json<{ compilerOptions: Record<string, unknown> }>("my-app/tsconfig.json");
    expect(tsconfig.compilerOptions).toMatchObject({ target: "es2022", module: "nodenext", types: ["node"] });
    expect(tsconfig.compilerOptions.experimentalDecorators).toBeUndefined();
    expect(tsconfig.compilerOptions.baseUrl).toBeUndefined();
    expect(read("my-app/src/app.ts")).toContain('@get("/hello/:name")');
    expect(read("my-app/src/app.ts")).not.toContain("@aex/session");
    expect(read("my-app/src/main.ts").split("\n").slice(0, 2)).toEqual([
      'import "./env.js";',
      'import { aex } from "./app.js";',
    ]);
    expect(read("my-app/src/app.test.ts")).toContain('await aex.inject().get("/hello/ada")');
    expect(read("my-app/.env.example")).toMatch(/^PORT=3000$/m);
    expect(read("my-app/.env.example")).not.toContain("AEX_SESSION_SECRET");
    expect(read("my-app/.gitignore").split("\n")).toEqual(["node_modules/", "dist/", ".env", ""]);
    expect(read("my-app/README.md")).toContain("npm run dev");
    expect(read("my-app/README.md")).toContain("npm test");
  });

  it("the flags add their imports, registration and dependencies", async () => {
    expect((await createAex(["full", "--session", "--template", "--ws", "--redis"], temp)).code).toBe(0);
    const pkg = json<PackageJson>("full/package.json");
    expect(Object.keys(pkg.dependencies)).toEqual([
      "@aex/core",
      "@aex/session",
      "@aex/template",
      "@aex/ws",
      "nunjucks",
      "redis",
    ]);
    expect(pkg.dependencies.redis).toMatch(/^\^6\./);
    expect(read("full/.env.example")).toMatch(/^AEX_SESSION_SECRET=$/m);
    expect(read("full/.env.example")).toMatch(/^# REDIS_URL=redis:\/\/localhost:6379$/m);
    expect(read("full/Dockerfile")).toContain("COPY views ./views");
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
      "@aex/core",
      "@aex/session",
      "redis",
    ]);
  });

  it("--from <dir> takes every @aex package from the tarballs in dir (file: specs), and says which one is missing", async () => {
    const tarballs = join(temp, "tarballs");
    mkdirSync(tarballs);
    for (const name of ["aex-core", "aex-cli", "aex-openapi", "aex-session"])
      writeFileSync(join(tarballs, `${name}-${VERSION}.tgz`), "");
    writeFileSync(join(tarballs, "aex-core-0.0.1.tgz"), "");
    expect((await createAex(["local", "--session", "--from", tarballs], temp)).code).toBe(0);
    const pkg = json<PackageJson>("local/package.json");
    expect(pkg.dependencies).toEqual({
      "@aex/core": `file:${join(tarballs, `aex-core-${VERSION}.tgz`)}`,
      "@aex/session": `file:${join(tarballs, `aex-session-${VERSION}.tgz`)}`,
    });
    expect(pkg.devDependencies["@aex/cli"]).toBe(`file:${join(tarballs, `aex-cli-${VERSION}.tgz`)}`);
    expect(pkg.devDependencies["@aex/openapi"]).toBe(`file:${join(tarballs, `aex-openapi-${VERSION}.tgz`)}`);

    const missing = await createAex(["ws-app", "--ws", `--from=${tarballs}`], temp);
    expect(missing).toEqual({
      code: 1,
      stdout: "",
      stderr: `create-aex: --from ${tarballs}: no tarball of @aex/ws (aex-ws-<version>.tgz)\n`,
    });
    expect(readdirSync(temp).sort()).toEqual(["local", "tarballs"]);
    const bare = await createAex(["x", "--from"], temp);
    expect(bare.code).toBe(2);
    expect(bare.stderr).toMatch(/^create-aex: --from needs a folder of tarballs/);
  });

  it("writes a Dockerfile that builds in one stage and runs the production install, as node, in another", async () => {
    for (const flags of [[], ["--session", "--template", "--ws", "--redis"]]) {
      const dir = flags.length === 0 ? "plain" : "full";
      expect((await createAex([dir, ...flags], temp)).code).toBe(0);
      const project = join(temp, dir);
      // npm install writes the lock file the image's npm ci needs.
      writeFileSync(join(project, "package-lock.json"), "{}\n");
      const text = read(`${dir}/Dockerfile`);
      const start = json<PackageJson>(`${dir}/package.json`).scripts.start.split(" ");
      expect([dir, dockerfileProblems(text, project, start)]).toEqual([dir, []]);
      expect(finalEnv(text)).toEqual({ NODE_ENV: "production", HOST: "0.0.0.0", PORT: "3000" });
      expect(text).toMatch(/^FROM node:24-slim AS build$/m);
      expect(read(`${dir}/.dockerignore`).split("\n")).toEqual(expect.arrayContaining(["node_modules", ".env"]));
    }
  });

  it("the Dockerfile check finds what would break an image", () => {
    const broken = [
      "COPY . .",
      "FROM node:24-slim",
      "RUN npm ci",
      "COPY --from=builder /app/dist ./dist",
      "COPY nowhere ./nowhere",
      "CMD node dist/main.js",
      "FORM x",
    ].join("\n");
    expect(dockerfileProblems(broken, temp, ["node", "dist/main.js"])).toEqual([
      "line 7: unknown instruction FORM",
      "the first instruction is not FROM",
      "line 4: no stage builder before it",
      "line 5: nowhere is not in the build context",
      "the final stage installs devDependencies (npm ci without --omit=dev)",
      "the final stage runs no npm ci --omit=dev",
      "the final stage runs as root",
      "the final stage exposes no port",
      "CMD node dist/main.js is not the exec form (a JSON array)",
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

  it("a project with every choice compiles with TypeScript 7, passes its own tests and lint, and starts from .env", async () => {
    expect((await createAex(["full", "--session", "--template", "--ws", "--redis"], temp)).code).toBe(0);
    const project = join(temp, "full");
    // Linked like an install would place them (the packages' dist is built by tsc -b).
    mkdirSync(join(project, "node_modules", "@aex"), { recursive: true });
    mkdirSync(join(project, "node_modules", "@types"), { recursive: true });
    mkdirSync(join(project, "node_modules", "@eslint"), { recursive: true });
    for (const name of ["core", "session", "template", "ws", "cli"]) {
      symlinkSync(join(ROOT, "packages", name), join(project, "node_modules", "@aex", name));
    }
    symlinkSync(join(ROOT, "node_modules", "@types", "node"), join(project, "node_modules", "@types", "node"));
    for (const name of ["eslint", "@eslint/js", "typescript-eslint"]) {
      symlinkSync(join(ROOT, "node_modules", name), join(project, "node_modules", name));
    }
    // The ESM entries (dist/*.mjs) a "type": "module" project imports.
    expect((await run(process.execPath, [join(ROOT, "scripts", "build-esm.mjs")], ROOT)).code).toBe(0);
    expect((await run(process.execPath, [TSC7, "--version"], project)).stdout).toMatch(/^Version 7\./);
    const tsc = await run(process.execPath, [TSC7], project);
    expect(tsc).toEqual({ code: 0, stdout: "", stderr: "" });
    const tests = await run(process.execPath, ["--test", "dist/app.test.js"], project);
    expect(tests.stdout).toContain("# pass 3\n");
    expect(tests.stdout).toContain("# fail 0\n");
    expect(tests.code).toBe(0);
    const routes = await run(process.execPath, [join(ROOT, "packages", "cli", "dist", "bin.js"), "routes"], project);
    expect(routes.stdout).toContain("GET     /visits       session   Hello.visits\n");
    expect(routes.stdout).toContain("GET     /page         template  Hello.page\n");
    // npm run lint: the generated files as the project's own ESLint and Prettier want them.
    const eslint = await run(
      process.execPath,
      [join(ROOT, "node_modules", "eslint", "bin", "eslint.js"), "."],
      project,
    );
    expect(eslint).toEqual({ code: 0, stdout: "", stderr: "" });
    const prettier = await run(
      process.execPath,
      [join(ROOT, "node_modules", "prettier", "bin", "prettier.cjs"), "--check", "."],
      project,
    );
    expect([prettier.code, prettier.stderr]).toEqual([0, ""]);
    // .env (from .env.example) is read before the app loads; the environment's values win.
    writeFileSync(join(project, ".env"), "PORT=0\nHOST=127.0.0.1\nLOG_LEVEL=silent\n");
    const { AEX_SESSION_SECRET: _secret, PORT: _port, HOST: _host, ...env } = process.env;
    const main = await new Promise<Ran>((resolve) => {
      const child = execFile(process.execPath, ["dist/main.js"], { cwd: project, env }, (error, stdout, stderr) =>
        resolve({ code: error === null ? 0 : 1, stdout, stderr }),
      );
      child.stdout?.on("data", (chunk: Buffer) => {
        if (/Listening on http:\/\/127\.0\.0\.1:\d+\//.test(chunk.toString())) child.kill("SIGTERM");
      });
    });
    expect(main.stdout).toMatch(/^Listening on http:\/\/127\.0\.0\.1:\d+\/$/m);
    expect(main.stderr).toBe("");
  });
});
