// `aex client` against test/fixtures/client-app.js (an app with a basePath and a @controller
// prefix): the module it writes, a program type-checked against that module (one tsc run), calls
// through it to the app over real HTTP, and the errors when a package the command needs is missing.
import { execFile, spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Aex } from "@aex/core";
import { FIXTURES, aex, type Ran } from "./run-aex";

jest.setTimeout(60_000);

const root = join(__dirname, "..", "..", "..");
const tsc = join(root, "node_modules", ".bin", "tsc");
// Inside packages/cli (its .tmp/ is ignored by git), so the module's `openapi-fetch` resolves
// to the CLI's devDependency, as it resolves to the app's own dependency in a project.
const dir = join(__dirname, "..", ".tmp", "client");
const clientFile = join(dir, "shop-client.ts");

/**
 * The generated module, loosely: it exists once the test wrote it (its types are checked by
 * the type test below, with a program of their own).
 */
type Call = (path: string, init?: Record<string, unknown>) => Promise<{ data?: any; error?: any; response: Response }>;
interface ShopClientModule {
  createClient(options: { baseUrl: string }): { GET: Call; POST: Call };
}

let written: Ran;

beforeAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  written = await aex(["client", "client-app.js", "-o", clientFile, "--title", "Shop"]);
});

describe("aex client", () => {
  it("writes one TypeScript module: the routes under their basePath and @controller prefix, and createClient on openapi-fetch", () => {
    expect(written).toEqual({ code: 0, stdout: "", stderr: `aex: wrote ${clientFile}\n` });
    const text = readFileSync(clientFile, "utf8");
    expect(text.split("\n").slice(0, 3)).toEqual([
      '// The typed client of "Shop" 1.0.0, written by `aex client` from the app\'s OpenAPI',
      "// document: do not edit, run `aex client` again when the routes change. The types below are",
      "// openapi-typescript's; requests go through openapi-fetch (the one package the client needs).",
    ]);
    // openapi-fetch is the one module it imports.
    expect(text.match(/^import [^;]*? from "([^"]+)";$/gms)?.map((line) => line.replace(/^[^]* from /, ""))).toEqual([
      '"openapi-fetch";',
    ]);
    expect(text).toContain('\n    "/v1/items": {\n');
    expect(text).toContain('\n    "/v1/items/{id}": {\n');
    expect(text).not.toMatch(/"\/items/);
    expect(text).toMatch(/\n {4}"\/v1\/items\/\{id\}": \{\n(?: {8}.*\n)*? {8}get: operations\["[\w.]+"\];\n/);
    expect(text).toContain('\nexport type Problem = components["schemas"]["Problem"];\n');
    expect(text).toContain("\nexport function createClient(options?: ClientOptions): AexClient {\n");
  });

  it("without -o prints the same module on stdout", async () => {
    const printed = await aex(["client", "client-app.js", "--title", "Shop"]);
    expect({ code: printed.code, stderr: printed.stderr }).toEqual({ code: 0, stderr: "" });
    expect(printed.stdout).toBe(readFileSync(clientFile, "utf8"));
  });

  it("types paths, params, bodies, answers and problem errors: a wrong path or field does not compile", () => {
    // program.ts holds what compiles and, under `@ts-expect-error`, what must not; errors.ts is
    // the same without the directives, so the one run also says which error each line gives.
    writeFileSync(join(dir, "program.ts"), CONSUMER);
    writeFileSync(join(dir, "errors.ts"), CONSUMER.replace(/^ *\/\/ @ts-expect-error.*\n/gm, ""));
    writeFileSync(
      join(dir, "tsconfig.json"),
      JSON.stringify({
        extends: "../../../../tsconfig.base.json",
        compilerOptions: { noEmit: true, declaration: false, declarationMap: false, types: ["node"] },
        files: ["program.ts", "errors.ts"],
      }),
    );
    const run = spawnSync(tsc, ["-p", join(dir, "tsconfig.json"), "--pretty", "false"], { encoding: "utf8" });
    const errors = run.stdout
      .split("\n")
      .filter((line) => /^\S.*error TS/.test(line))
      .map((line) => line.replace(/^.*?(\w+\.ts)\((\d+),\d+\): error (TS\d+).*$/, "$1:$2 $3"));
    const lineOf = (text: string) =>
      CONSUMER.replace(/^ *\/\/ @ts-expect-error.*\n/gm, "")
        .split("\n")
        .indexOf(text) + 1;
    expect(errors).toEqual([
      `errors.ts:${lineOf('  await api.GET("/items/{id}", { params: { path: { id: "1" } } });')} TS2345`,
      `errors.ts:${lineOf('  await api.POST("/v1/items", { body: { name: "Mate", price: 4, colour: "green" } });')} TS2353`,
      `errors.ts:${lineOf('  await api.GET("/v1/items", { params: { query: { max: "2" } } });')} TS2322`,
      `errors.ts:${lineOf('  await api.GET("/v1/items/{id}");')} TS2554`,
      `errors.ts:${lineOf("  if (one.data !== undefined) console.log(one.data.weight);")} TS2339`,
    ]);
    // A whole tsc run: a few seconds on a quiet machine.
  }, 120_000);

  it("calls the app through the module over real HTTP: typed answers, problem details as errors", async () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- a CommonJS fixture, through jest's @aex/* mapping
    const app = (require(join(FIXTURES, "client-app.js")) as () => Aex)();
    await app.start(0, "127.0.0.1");
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- written by beforeAll, compiled by jest
      const { createClient } = require(clientFile) as ShopClientModule;
      const api = createClient({ baseUrl: `http://127.0.0.1:${app.port}` });

      const listed = await api.GET("/v1/items", { params: { query: { max: 1 } } });
      expect(listed.response.status).toBe(200);
      expect(listed.response.headers.get("content-type")).toMatch(/^application\/json/);
      expect(listed.data).toEqual([{ id: "1", name: "Tea", price: 3 }]);

      const created = await api.POST("/v1/items", { body: { name: "Mate", price: 4 } });
      expect(created.response.status).toBe(201);
      expect(created.data).toEqual({ id: "2", name: "Mate", price: 4 });

      const one = await api.GET("/v1/items/{id}", { params: { path: { id: "2" } } });
      expect(one.response.status).toBe(200);
      expect(one.data?.name).toBe("Mate");

      const missing = await api.GET("/v1/items/{id}", { params: { path: { id: "9" } } });
      expect(missing.response.status).toBe(404);
      expect(missing.response.headers.get("content-type")).toMatch(/^application\/problem\+json/);
      expect(missing.data).toBeUndefined();
      expect(missing.error).toMatchObject({
        status: 404,
        code: "ITEM_NOT_FOUND",
        detail: "No such item",
        instance: "/v1/items/9",
      });

      const invalid = await api.POST("/v1/items", { body: { name: "", price: 4 } });
      expect(invalid.response.status).toBe(400);
      expect(invalid.error?.code).toBe("AEX_FILTER_INVALID");
      expect(invalid.error?.errors).toEqual([{ field: "name", rule: "required", message: "name is required" }]);
    } finally {
      await app.close();
    }
  });
});

/** `node <copy of the CLI>/dist/bin.js …args` in `cwd`, without NODE_PATH (a user's shell has none). */
function copiedAex(bin: string, args: string[], cwd: string): Promise<Ran> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [bin, ...args],
      { cwd, env: { ...process.env, NODE_PATH: "" } },
      (error, stdout, stderr) => {
        resolve({ code: error === null ? 0 : typeof error.code === "number" ? error.code : 1, stdout, stderr });
      },
    );
  });
}

describe("aex client without the packages it needs", () => {
  it("exits 1 naming @aex/openapi, then openapi-typescript, when neither the app nor the CLI can load it", async () => {
    // A project outside the workspace: the CLI and @aex/core installed, as `npm i @aex/cli` leaves it.
    const project = mkdtempSync(join(tmpdir(), "aex-client-"));
    try {
      const modules = join(project, "node_modules", "@aex");
      mkdirSync(join(modules, "cli"), { recursive: true });
      cpSync(join(__dirname, "..", "dist"), join(modules, "cli", "dist"), { recursive: true });
      cpSync(join(__dirname, "..", "package.json"), join(modules, "cli", "package.json"));
      symlinkSync(join(root, "packages", "core"), join(modules, "core"));
      writeFileSync(join(project, "app.js"), readFileSync(join(FIXTURES, "app.js")));
      const bin = join(modules, "cli", "dist", "bin.js");

      expect(await copiedAex(bin, ["client", "app.js"], project)).toEqual({
        code: 1,
        stdout: "",
        stderr:
          "aex: aex client needs @aex/openapi, which app.js cannot load: install it beside the app (npm install @aex/openapi)\n",
      });
      symlinkSync(join(root, "packages", "openapi"), join(modules, "openapi"));
      expect(await copiedAex(bin, ["client", "app.js"], project)).toEqual({
        code: 1,
        stdout: "",
        stderr:
          "aex: aex client needs openapi-typescript, which app.js cannot load: install it beside the app (npm install -D openapi-typescript typescript)\n",
      });
    } finally {
      rmSync(project, { recursive: true, force: true });
    }
  });
});

/** A program using the generated client (written beside it; see the type test). */
const CONSUMER = `import { createClient, type Problem } from "./shop-client";

const api = createClient({ baseUrl: "http://127.0.0.1:3000" });

export async function uses(): Promise<void> {
  const listed = await api.GET("/v1/items", { params: { query: { max: 2 } } });
  const names: string[] | undefined = listed.data?.map((item) => item.name);
  const one = await api.GET("/v1/items/{id}", { params: { path: { id: "1" } } });
  if (one.error !== undefined) {
    const problem: Problem = one.error;
    const code: string | undefined = problem.code;
    console.log(problem.status, code, problem.errors?.map((error) => error.field));
  } else {
    const price: number = one.data.price;
    console.log(names, price);
  }
  const created = await api.POST("/v1/items", { body: { name: "Mate", price: 4 } });
  console.log(created.data?.id, created.error?.requestId);

  // @ts-expect-error the path lacks the basePath and the controller's prefix
  await api.GET("/items/{id}", { params: { path: { id: "1" } } });
  // @ts-expect-error a body field the route does not take
  await api.POST("/v1/items", { body: { name: "Mate", price: 4, colour: "green" } });
  // @ts-expect-error max is an integer
  await api.GET("/v1/items", { params: { query: { max: "2" } } });
  // @ts-expect-error the path parameter is required
  await api.GET("/v1/items/{id}");
  // @ts-expect-error an item has no weight
  if (one.data !== undefined) console.log(one.data.weight);
}
`;
