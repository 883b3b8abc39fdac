// The newcomer's path against the packages as they would be published: `pnpm pack` every
// package, then, as docs/getting-started.md says, `npm init` + `npm install` + `tsc --init`
// (with the TypeScript that `npm i -D typescript` installs today), compile a controller
// with tsc, start it with node and ask it over HTTP. One ESM project (tsc --init's
// settings, standard decorators) and one CommonJS project (experimentalDecorators, every
// optional peer installed, public types checked with skipLibCheck off).
//
// Every published package is packed, and each tarball checked as the release script checks it
// (scripts/tarball-check.cjs: no `workspace:` range, one version, the repository's engines,
// every file its exports name).
//
// Slow (npm installs): about 3 minutes. KEEP_PACK_TEST=1 keeps the temporary projects.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as ts from "typescript";
import {
  PACKAGES,
  PACKED_ONLY,
  PUBLISHED,
  ROOT,
  countPackages,
  diskUsage,
  editTsconfig,
  get,
  npmInstall,
  pack,
  sh,
  startServer,
  stop,
  type Started,
} from "./pack-helpers";

// eslint-disable-next-line @typescript-eslint/no-require-imports -- a CommonJS script shared with scripts/release.mjs
const { tarballProblems } = require("../scripts/tarball-check.cjs") as {
  tarballProblems: (tarball: string, expected?: { version?: string; changelog?: boolean }) => string[];
};
/** `^` the workspace's version: what pnpm pack writes for a `workspace:^` range (one version for all). */
const RANGE = `^${(JSON.parse(readFileSync(join(ROOT, "packages", "core", "package.json"), "utf8")) as { version: string }).version}`;

const SLOW = 600_000;
jest.setTimeout(120_000);

// The controller of docs/getting-started.md, word for word (test/docs.test.ts checks it).
const ESM_MAIN = `import { Aex, get, type AexRequest, type AexResponse, type Scope } from "@aex/core";

class Hello {
  @get("/")
  home(_req: AexRequest, res: AexResponse) {
    res.end("Hello from Aex!");
  }

  @get("/hello/:name")
  hello(_req: AexRequest, res: AexResponse, scope: Scope) {
    res.json({ hello: scope.params.name });
  }
}

const aex = new Aex();
aex.push(Hello);
await aex.start(Number(process.env.PORT ?? 3000));
console.log("Listening on http://localhost:" + aex.port + "/");
`;

// The CommonJS twin of docs/getting-started.md: no top-level await in CommonJS.
const CJS_MAIN = `import { Aex, get, type AexRequest, type AexResponse } from "@aex/core";
import { template } from "@aex/template";
import { nunjucks } from "@aex/template/nunjucks";
import { join } from "node:path";

class Hello {
  @get("/")
  home(_req: AexRequest, res: AexResponse) {
    res.end("Hello from Aex!");
  }

  @get("/page")
  @template(nunjucks, join(__dirname, "..", "views"))
  page(_req: AexRequest, res: AexResponse) {
    res.render("page", { name: "<Aex>" });
  }
}

const aex = new Aex();
aex.push(Hello);
aex.start(Number(process.env.PORT ?? 3000)).then(() => {
  console.log("Listening on http://localhost:" + aex.port + "/");
});
`;

/** Every entry of every package: the public .d.ts files a consumer's tsc reads. */
const ENTRIES = [
  "@aex/core",
  "@aex/session",
  "@aex/session/redis",
  "@aex/template",
  "@aex/template/nunjucks",
  "@aex/template/pug",
  "@aex/ws",
  "@aex/ws/redis",
  "@aex/openapi",
  "@aex/auth",
];
const MEMORY_ONLY = ["@aex/core", "@aex/session", "@aex/template", "@aex/ws", "@aex/openapi", "@aex/auth"];

// Type-checks public .d.ts files with other settings than the project's own.
const tsconfigCheck = (options: object, file: string) =>
  JSON.stringify({ extends: "./tsconfig.json", compilerOptions: { noEmit: true, ...options }, files: [file] }, null, 2);

const TYPES_TS = ENTRIES.map((entry, i) => `export * as entry${i} from "${entry}";`).join("\n") + "\n";

// Loads each entry with import and with require: one object per export, one HttpError.
const MIXED_MJS = `import { createRequire } from "node:module";
const require = createRequire(import.meta.url);
const result = {};
for (const entry of process.argv.slice(2)) {
  const esm = await import(entry);
  const cjs = require(entry);
  const names = Object.keys(cjs).filter((name) => name !== "__esModule");
  result[entry] = {
    names: names.length,
    esmNames: Object.keys(esm).length,
    different: names.filter((name) => esm[name] !== cjs[name]),
  };
}
const esm = await import("@aex/core");
const cjs = require("@aex/core");
result.instanceOf = [
  new cjs.HttpError(418, "teapot") instanceof esm.HttpError,
  new esm.HttpError(418, "teapot") instanceof cjs.HttpError,
];
console.log(JSON.stringify(result));
`;

// Requires the main entries and lists the optional peers that got loaded.
const LOADED_CJS = `const entries = process.argv.slice(2);
for (const entry of entries) require(entry);
const heavy = Object.keys(require.cache).filter((path) => /node_modules[\\\\/](redis|@redis|pug|nunjucks)[\\\\/]/.test(path));
console.log(JSON.stringify({ loaded: entries.length, heavy }));
`;

/** A JSON file with comments and trailing commas (tsc --init's tsconfig.json). */
function readJsonc(path: string): Record<string, unknown> {
  const { config, error } = ts.parseConfigFileTextToJson(path, readFileSync(path, "utf8"));
  if (error !== undefined) throw new Error(`${path}: ${ts.flattenDiagnosticMessageText(error.messageText, "\n")}`);
  return config as Record<string, unknown>;
}

/** The ```json block of docs/getting-started.md that `pick` accepts. */
function docJson(pick: (json: Record<string, unknown>) => boolean): Record<string, unknown> {
  const doc = readFileSync(join(ROOT, "docs", "getting-started.md"), "utf8");
  const blocks = [...doc.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => JSON.parse(m[1]) as Record<string, unknown>);
  const found = blocks.find(pick);
  if (found === undefined) throw new Error("docs/getting-started.md lost a json block");
  return found;
}

function projectDir(base: string, name: string): string {
  const dir = join(base, name);
  mkdirSync(dir);
  return dir;
}

describe("the packed packages in a new project", () => {
  let base: string;
  let tarballs: string[];
  let packedOnly: string[];
  let esmDir: string;
  let cjsDir: string;
  let typescript: string;
  /** What `npm install @aex/core` alone put on disk, measured in the ESM project before anything else. */
  let coreInstall: { packages: number; bytes: number };
  let esmServer: Started | undefined;
  let cjsServer: Started | undefined;

  beforeAll(async () => {
    base = mkdtempSync(join(tmpdir(), "aex-pack-"));
    const out = projectDir(base, "tarballs");
    // core first: the other packages' prepack builds reference it.
    tarballs = [await pack("core", out)];
    tarballs.push(...(await Promise.all(PACKAGES.slice(1).map((name) => pack(name, out)))));
    packedOnly = await Promise.all(PACKED_ONLY.map((name) => pack(name, out)));
    esmDir = projectDir(base, "hello-esm");
    cjsDir = projectDir(base, "hello-cjs");
    await Promise.all([esmProject(), cjsProject()]);
  }, SLOW);

  /** docs/getting-started.md, step by step (the tarballs stand for `@aex/core`). */
  async function esmProject(): Promise<void> {
    await sh(esmDir, "npm", ["init", "-y"]);
    await sh(esmDir, "npm", ["pkg", "set", "type=module", "scripts.build=tsc", "scripts.start=node src/main.js"]);
    await npmInstall(esmDir, [tarballs[0]]);
    const modules = join(esmDir, "node_modules");
    coreInstall = { packages: countPackages(modules), bytes: await diskUsage(modules) };
    await npmInstall(esmDir, tarballs.slice(1));
    await npmInstall(esmDir, ["-D", "typescript", "@types/node"]);
    typescript = (await sh(esmDir, "npx", ["tsc", "--version"])).trim();
    await sh(esmDir, "npx", ["tsc", "--init"]);
    editTsconfig(join(esmDir, "tsconfig.json"), '"target": "esnext"', '"target": "es2022"');
    mkdirSync(join(esmDir, "src"));
    writeFileSync(join(esmDir, "src", "main.ts"), ESM_MAIN);
    writeFileSync(join(esmDir, "mixed.mjs"), MIXED_MJS);
    writeFileSync(
      join(esmDir, "entries.ts"),
      MEMORY_ONLY.map((entry, i) => `export * as entry${i} from "${entry}";`).join("\n"),
    );
    writeFileSync(join(esmDir, "tsconfig.check.json"), tsconfigCheck({ skipLibCheck: false }, "entries.ts"));
  }

  /** A CommonJS project (npm init's default) with legacy decorators and every optional peer. */
  async function cjsProject(): Promise<void> {
    await sh(cjsDir, "npm", ["init", "-y"]);
    await npmInstall(cjsDir, [...tarballs, "redis", "nunjucks", "pug"]);
    await npmInstall(cjsDir, ["-D", "typescript", "@types/node"]);
    await sh(cjsDir, "npx", ["tsc", "--init"]);
    const tsconfig = join(cjsDir, "tsconfig.json");
    editTsconfig(tsconfig, '"target": "esnext"', '"target": "es2022", "experimentalDecorators": true');
    editTsconfig(tsconfig, '"verbatimModuleSyntax": true', '"verbatimModuleSyntax": false');
    editTsconfig(tsconfig, '"skipLibCheck": true', '"skipLibCheck": false');
    mkdirSync(join(cjsDir, "src"));
    mkdirSync(join(cjsDir, "views"));
    writeFileSync(join(cjsDir, "src", "main.ts"), CJS_MAIN);
    writeFileSync(join(cjsDir, "src", "types.ts"), TYPES_TS);
    writeFileSync(join(cjsDir, "views", "page.html"), "<p>Hello, {{ name }}!</p>\n");
    writeFileSync(join(cjsDir, "mixed.mjs"), MIXED_MJS);
    writeFileSync(join(cjsDir, "loaded.cjs"), LOADED_CJS);
    writeFileSync(
      join(cjsDir, "tsconfig.bundler.json"),
      tsconfigCheck({ module: "preserve", moduleResolution: "bundler" }, "src/types.ts"),
    );
    // For the repository's TypeScript 5.9, which knows none of TypeScript 7's tsc --init options.
    writeFileSync(
      join(cjsDir, "tsconfig.ts59.json"),
      JSON.stringify({
        compilerOptions: {
          module: "nodenext",
          target: "es2022",
          strict: true,
          experimentalDecorators: true,
          skipLibCheck: false,
          noEmit: true,
          types: ["node"],
        },
        files: ["src/types.ts"],
      }),
    );
  }

  afterAll(async () => {
    await Promise.all([stop(esmServer), stop(cjsServer)]);
    if (base !== undefined && !process.env.KEEP_PACK_TEST) rmSync(base, { recursive: true, force: true });
  });

  describe("the tarballs (pnpm pack)", () => {
    it("are those of every package of the release group, whose version changesets keep as one", () => {
      const config = JSON.parse(readFileSync(join(ROOT, ".changeset", "config.json"), "utf8")) as { fixed: string[][] };
      const names = PUBLISHED.map(
        (folder) =>
          (JSON.parse(readFileSync(join(ROOT, "packages", folder, "package.json"), "utf8")) as { name: string }).name,
      );
      expect([...config.fixed[0]].sort()).toEqual([...names].sort());
    });

    it("of every published package pass the release's check: no workspace: range, one version, the engines, every exported file, the changelog", () => {
      const manifest = (tarball: string) =>
        JSON.parse(execFileSync("tar", ["xzOf", tarball, "package/package.json"], { encoding: "utf8" })) as {
          name: string;
        };
      const all = [...tarballs, ...packedOnly];
      const names = all.map((tarball) => manifest(tarball).name).sort();
      const published = PUBLISHED.map((folder) => {
        const pkg = JSON.parse(readFileSync(join(ROOT, "packages", folder, "package.json"), "utf8")) as {
          name: string;
          version: string;
        };
        return pkg;
      });
      expect(names).toEqual(published.map((p) => p.name).sort());
      const [{ version }] = published;
      for (const tarball of all) {
        const { name } = manifest(tarball);
        const folder = PUBLISHED[published.findIndex((p) => p.name === name)];
        const changelog = existsSync(join(ROOT, "packages", folder, "CHANGELOG.md"));
        expect([name, tarballProblems(tarball, { version, changelog })]).toEqual([name, []]);
      }
    });

    it("regression: a tarball that kept a workspace: range (npm pack's) is refused by the check", () => {
      const dir = projectDir(base, "npm-pack-like");
      mkdirSync(join(dir, "package"));
      const pkg = JSON.parse(readFileSync(join(ROOT, "packages", "session", "package.json"), "utf8")) as object;
      writeFileSync(join(dir, "package", "package.json"), JSON.stringify(pkg, null, 2));
      execFileSync("tar", ["czf", "session.tgz", "package"], { cwd: dir });
      expect(tarballProblems(join(dir, "session.tgz"))).toEqual(
        expect.arrayContaining([
          '@aex/session: package.json keeps a workspace range: "@aex/core": "workspace:^"',
          "@aex/session: LICENSE is not in the tarball",
        ]),
      );
    });

    it("rewrite workspace ranges and ship dist, the sources the maps point to, LICENSE and README", async () => {
      expect(tarballs).toHaveLength(PACKAGES.length);
      const listing = await sh(base, "tar", ["tzf", tarballs[1]]);
      const files = listing.split("\n");
      for (const file of [
        "package/LICENSE",
        "package/README.md",
        "package/dist/index.mjs",
        "package/dist/redis.d.mts",
      ]) {
        expect(files).toContain(file);
      }
      expect(files).toContain("package/src/redis-store.ts");
      expect(files.filter((file) => file.endsWith(".tsbuildinfo"))).toEqual([]);
      const manifest = JSON.parse(await sh(base, "tar", ["xzOf", tarballs[1], "package/package.json"])) as {
        peerDependencies: Record<string, string>;
      };
      expect(manifest.peerDependencies["@aex/core"]).toBe(RANGE);
    });

    it("@aex/core depends on no JWT library: @aex/auth does (jose)", async () => {
      const manifest = async (tarball: string) =>
        JSON.parse(await sh(base, "tar", ["xzOf", tarball, "package/package.json"])) as {
          name: string;
          dependencies?: Record<string, string>;
          peerDependencies?: Record<string, string>;
        };
      const core = await manifest(tarballs[0]);
      expect(Object.keys(core.dependencies ?? {})).not.toContain("jose");
      const auth = await manifest(tarballs[PACKAGES.indexOf("auth")]);
      expect(auth.name).toBe("@aex/auth");
      expect(Object.keys(auth.dependencies ?? {})).toEqual(["jose"]);
      expect(auth.peerDependencies).toEqual({ "@aex/core": RANGE });
    });

    it("@aex/core depends on no JSON Schema or serializer library: @aex/openapi does", async () => {
      const read = async (tarball: string) =>
        JSON.parse(await sh(base, "tar", ["xzOf", tarball, "package/package.json"])) as {
          name: string;
          dependencies?: Record<string, string>;
          peerDependencies?: Record<string, string>;
        };
      const core = await read(tarballs[0]);
      const heavy = ["ajv", "ajv-formats", "fast-json-stringify", "swagger-ui-dist"];
      expect(heavy.filter((name) => core.dependencies?.[name] ?? core.peerDependencies?.[name])).toEqual([]);
      const openapi = await read(tarballs[PACKAGES.indexOf("openapi")]);
      expect(openapi.name).toBe("@aex/openapi");
      expect(Object.keys(openapi.dependencies ?? {})).toEqual(expect.arrayContaining(heavy.slice(0, 3)));
      expect(openapi.peerDependencies).toMatchObject({ "@aex/core": RANGE, "swagger-ui-dist": ">=5" });
    });
  });

  describe("ESM project from tsc --init (only target changed; standard decorators)", () => {
    it("has the package.json and tsconfig.json that docs/getting-started.md shows", () => {
      const pkg = readJsonc(join(esmDir, "package.json"));
      const docPkg = docJson((json) => json.type === "module");
      // npm init also writes a "test" script that fails; the doc leaves it out.
      const { build, start } = pkg.scripts as Record<string, string>;
      expect({ type: pkg.type, main: pkg.main, scripts: { build, start } }).toEqual({
        type: docPkg.type,
        main: docPkg.main,
        scripts: docPkg.scripts,
      });
      expect(Object.keys(pkg.devDependencies as object)).toEqual(Object.keys(docPkg.devDependencies as object));
      expect(Object.keys(pkg.dependencies as object)).toEqual(
        expect.arrayContaining(Object.keys(docPkg.dependencies as object)),
      );
      const docTsconfig = docJson(
        (json) => (json.compilerOptions as { module?: string } | undefined)?.module === "nodenext",
      );
      expect([typescript, readJsonc(join(esmDir, "tsconfig.json"))]).toEqual([typescript, docTsconfig]);
    });

    it("npm install @aex/core installs what docs/getting-started.md says, in packages and megabytes", () => {
      const path = join(ROOT, "docs", "getting-started.md");
      const doc = readFileSync(path, "utf8");
      const figures = /`npm install @aex\/core` installs (\d+) packages, ([\d.]+) MB on disk/;
      const [sentence, packages, megabytes] = figures.exec(doc) ?? [];
      expect(sentence).toBeDefined();
      const measured = {
        packages: coreInstall.packages,
        megabytes: Number((coreInstall.bytes / 1024 / 1024).toFixed(1)),
      };
      if (process.env.UPDATE_INSTALL_FIGURES) {
        const line = `\`npm install @aex/core\` installs ${measured.packages} packages, ${measured.megabytes} MB on disk`;
        writeFileSync(path, doc.replace(figures, line));
      }
      // Within a package and a tenth of the size: a dependency's patch release may move them a little.
      expect(Math.abs(measured.packages - Number(packages))).toBeLessThanOrEqual(1);
      expect(Math.abs(measured.megabytes - Number(megabytes))).toBeLessThanOrEqual(Number(megabytes) / 10);
    });

    it("installs no optional peer: no redis, pug, nunjucks or swagger-ui-dist", () => {
      for (const heavy of ["redis", "pug", "nunjucks", "swagger-ui-dist"]) {
        expect([heavy, existsSync(join(esmDir, "node_modules", heavy))]).toEqual([heavy, false]);
      }
    });

    // Needs the standard-decorator support of the decorator work (issue 11, first part).
    it("compiles the getting-started controller with tsc", async () => {
      expect(typescript).toMatch(/^Version \d+\./);
      const out = await sh(esmDir, "npm", ["run", "build"]).catch((error: Error) => error.message);
      expect([typescript, out]).toEqual([typescript, expect.not.stringMatching(/error TS/)]);
      expect(existsSync(join(esmDir, "src", "main.js"))).toBe(true);
    });

    it("type-checks the main entries' public .d.mts/.d.ts with skipLibCheck off", async () => {
      const out = await sh(esmDir, "npx", ["tsc", "-p", "tsconfig.check.json"]).catch((error: Error) => error.message);
      expect(out).not.toMatch(/error TS/);
    });

    it("starts with node and answers over HTTP", async () => {
      esmServer = await startServer(esmDir, "src/main.js");
      expect(await get(esmServer.url, "/")).toMatchObject({ status: 200, body: "Hello from Aex!" });
      const hello = await get(esmServer.url, "/hello/ada");
      expect(hello).toMatchObject({ status: 200, type: expect.stringMatching(/^application\/json/) });
      expect(JSON.parse(hello.body)).toEqual({ hello: "ada" });
      const missing = await get(esmServer.url, "/nowhere");
      expect(missing.status).toBe(404);
      expect(JSON.parse(missing.body)).toMatchObject({ code: "AEX_NOT_FOUND" });
    });

    it("loads every main entry without the optional peers", async () => {
      const script = `for (const entry of ${JSON.stringify(MEMORY_ONLY)}) await import(entry); console.log("ok");`;
      expect((await sh(esmDir, "node", ["--input-type=module", "-e", script])).trim()).toBe("ok");
      const redis = await sh(esmDir, "node", ["--input-type=module", "-e", 'await import("@aex/session/redis")']).catch(
        (error: Error) => error.message,
      );
      expect(redis).toMatch(/Cannot find (package|module) 'redis'/);
    });

    it("shares one copy of every export between import and require (no dual-package hazard)", async () => {
      const result = JSON.parse(await sh(esmDir, "node", ["mixed.mjs", ...MEMORY_ONLY])) as Record<string, unknown>;
      for (const entry of MEMORY_ONLY) {
        const { names, esmNames, different } = result[entry] as {
          names: number;
          esmNames: number;
          different: string[];
        };
        expect([entry, different, esmNames]).toEqual([entry, [], names]);
        expect(names).toBeGreaterThan(0);
      }
      expect(result.instanceOf).toEqual([true, true]);
    });
  });

  describe("CommonJS project (experimentalDecorators, skipLibCheck off, every optional peer)", () => {
    it("type-checks every entry's public .d.ts and compiles the controller", async () => {
      const out = await sh(cjsDir, "npx", ["tsc"]).catch((error: Error) => error.message);
      expect(out).not.toMatch(/error TS/);
      expect(readFileSync(join(cjsDir, "src", "main.js"), "utf8")).toMatch(/__decorate/);
    });

    it("type-checks every entry under moduleResolution bundler (the import condition's .d.mts)", async () => {
      const out = await sh(cjsDir, "npx", ["tsc", "-p", "tsconfig.bundler.json"]).catch(
        (error: Error) => error.message,
      );
      expect(out).not.toMatch(/error TS/);
    });

    it("type-checks every entry's public .d.ts with TypeScript 5.9 too, the oldest the docs name", async () => {
      const tsc59 = join(ROOT, "node_modules", "typescript", "bin", "tsc");
      expect((await sh(cjsDir, process.execPath, [tsc59, "--version"])).trim()).toBe("Version 5.9.3");
      const out = await sh(cjsDir, process.execPath, [tsc59, "-p", "tsconfig.ts59.json"]).catch(
        (error: Error) => error.message,
      );
      expect(out).not.toMatch(/error TS/);
    });

    it("starts with node and answers over HTTP, rendering nunjucks from its subpath entry", async () => {
      cjsServer = await startServer(cjsDir, "src/main.js");
      expect(await get(cjsServer.url, "/")).toMatchObject({ status: 200, body: "Hello from Aex!" });
      expect(await get(cjsServer.url, "/page")).toMatchObject({
        status: 200,
        type: expect.stringMatching(/^text\/html/),
        body: "<p>Hello, &lt;Aex&gt;!</p>\n",
      });
    });

    it("loads no JWT library with require('@aex/core'): jose comes with @aex/auth", async () => {
      const script = [
        'const { sep } = require("node:path");',
        "const jose = () => Object.keys(require.cache).filter((path) => path.includes(`${sep}jose${sep}`)).length;",
        'require("@aex/core");',
        "const core = jose();",
        'require("@aex/auth");',
        "console.log(JSON.stringify({ core, auth: jose() > 0 }));",
      ].join("\n");
      expect(JSON.parse(await sh(cjsDir, "node", ["-e", script]))).toEqual({ core: 0, auth: true });
    });

    it("never loads redis, pug or nunjucks from the main entries, even when installed", async () => {
      const result = JSON.parse(await sh(cjsDir, "node", ["loaded.cjs", ...MEMORY_ONLY])) as {
        loaded: number;
        heavy: string[];
      };
      expect(result).toEqual({ loaded: MEMORY_ONLY.length, heavy: [] });
    });

    it("shares one copy of every export of every subpath between import and require", async () => {
      const result = JSON.parse(await sh(cjsDir, "node", ["mixed.mjs", ...ENTRIES])) as Record<string, unknown>;
      for (const entry of ENTRIES) {
        const { names, esmNames, different } = result[entry] as {
          names: number;
          esmNames: number;
          different: string[];
        };
        expect([entry, different, esmNames]).toEqual([entry, [], names]);
      }
      expect(result.instanceOf).toEqual([true, true]);
    });
  });
});
