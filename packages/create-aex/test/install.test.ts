// End to end, as docs/cli.md tells a newcomer: pack @aex/core, @aex/openapi, @aex/cli and
// create-aex as a publish would, run create-aex from its tarball (what `npm create aex@latest
// my-app` runs) with --from the tarballs, `npm install`, then every command of docs/cli.md's
// quick start in the generated project: its own tests (TypeScript 7's tsc), `aex routes`,
// `aex openapi`, `npm run dev` (tsx) and `aex start` (production, --cluster); its lint; its
// Dockerfile's structure against the real lock file; and the image's steps: `npm ci
// --omit=dev` installs no development tool, and `npm start` serves. Slow: npm.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT, get, npmInstall, sh } from "../../../test/pack-helpers";
import { dockerfileProblems } from "./support/dockerfile";

jest.setTimeout(300_000);

/** The quick start of docs/cli.md, line for line; the test below runs each of them. */
const QUICK_START = [
  "npm create aex@latest my-app",
  "cd my-app",
  "npm install",
  "npm test",
  "npx aex routes",
  "npx aex openapi -o openapi.json",
  "npm run dev",
  "npm run build",
  "PORT=8080 npx aex start --cluster 2",
];

/** The ```sh blocks of docs/cli.md, comments and blank lines dropped. */
function docCommands(): string[] {
  const doc = readFileSync(join(ROOT, "docs", "cli.md"), "utf8");
  return [...doc.matchAll(/```sh\n([\s\S]*?)```/g)]
    .flatMap((m) => m[1].split("\n"))
    .map((line) => line.replace(/#.*$/, "").trim())
    .filter((line) => line !== "");
}

/** Runs a long-lived command in its own process group until its output matches `pattern` `count` times. */
function startUntil(
  cwd: string,
  command: string,
  args: string[],
  env: Record<string, string>,
  pattern: RegExp,
  count = 1,
) {
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !/^(npm_|pnpm_|NODE_ENV$|NODE_OPTIONS$|JEST_|TS_JEST)/i.test(k)),
  );
  const child = spawn(command, args, { cwd, env: { ...clean, ...env }, detached: true });
  let output = "";
  const exited = new Promise<void>((resolve) => child.on("exit", () => resolve()));
  const matched = new Promise<RegExpMatchArray[]>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const matches = [...output.matchAll(new RegExp(pattern.source, "g"))];
      if (matches.length >= count) resolve(matches);
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    void exited.then(() => reject(new Error(`${command} ${args.join(" ")} exited:\n${output}`)));
  });
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) process.kill(-(child.pid as number), "SIGTERM");
    await exited;
  };
  return { matched, stop, output: () => output };
}

describe("npm create aex, from the packed tarballs", () => {
  let temp: string;
  beforeAll(() => {
    temp = mkdtempSync(join(tmpdir(), "create-aex-e2e-"));
  });
  afterAll(() => {
    if (!process.env.KEEP_PACK_TEST) rmSync(temp, { recursive: true, force: true });
  });

  it("docs/cli.md's quick start is the list this test runs", () => {
    expect(docCommands()).toEqual(QUICK_START);
  });

  it("scaffolds, installs with npm, and the project's own commands work", async () => {
    const tarballs = join(temp, "tarballs");
    const pnpmPack = ["core", "openapi", "cli", "create-aex"]
      .map((name) => `pnpm -C packages/${name} pack --pack-destination ${tarballs}`)
      .join(" && ");
    await sh(ROOT, "npx", ["--yes", "--prefer-offline", "-p", "pnpm@9", "-c", pnpmPack]);
    const tgz = (prefix: string) => join(tarballs, readdirSync(tarballs).find((f) => f.startsWith(prefix)) as string);

    // npm create aex@latest my-app  ==  npm exec create-aex my-app (from the tarball here),
    // with the @aex packages from the tarballs too (--from).
    await sh(temp, "npm", [
      "exec",
      "--yes",
      `--package=${tgz("create-aex-")}`,
      "--",
      "create-aex",
      "my-app",
      "--from",
      tarballs,
    ]);
    const app = join(temp, "my-app");
    const pkg = JSON.parse(readFileSync(join(app, "package.json"), "utf8")) as {
      dependencies: Record<string, string>;
      devDependencies: Record<string, string>;
    };
    expect(pkg.dependencies).toEqual({ "@aex/core": `file:${tgz("aex-core-")}` });
    expect(pkg.devDependencies).toMatchObject({
      "@aex/cli": `file:${tgz("aex-cli-")}`,
      "@aex/openapi": `file:${tgz("aex-openapi-")}`,
    });

    await npmInstall(app, []);
    expect((await sh(app, "npx", ["tsc", "--version"])).trim()).toMatch(/^Version 7\./);

    const test = await sh(app, "npm", ["test"]);
    expect(test).toContain("# pass 1\n");
    expect(test).toContain("# fail 0\n");

    const routes = await sh(app, "npx", ["aex", "routes"]);
    expect(routes.split("\n")).toEqual([
      "METHOD  PATH          STEPS  HANDLER",
      "GET     /             -      Hello.home",
      "GET     /hello/:name  -      Hello.hello",
      "",
    ]);

    await sh(app, "npx", ["aex", "openapi", "-o", "openapi.json"]);
    const doc = JSON.parse(readFileSync(join(app, "openapi.json"), "utf8")) as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths)).toEqual(["/", "/hello/{name}"]);

    // npm run dev: TypeScript through tsx, with node --watch.
    const dev = startUntil(app, "npm", ["run", "dev"], { PORT: "0" }, /Listening on (http:\S+)/);
    try {
      const [[, url]] = await dev.matched;
      const res = await get(new URL(url), "/hello/dev");
      expect(res).toEqual({ status: 200, type: expect.stringMatching(/^application\/json/), body: '{"hello":"dev"}' });
    } finally {
      await dev.stop();
    }

    await sh(app, "npm", ["run", "build"]);
    // PORT=0 in place of the doc's 8080: any free port.
    const start = startUntil(
      app,
      "npx",
      ["aex", "start", "--cluster", "2"],
      { PORT: "0" },
      /Listening on (http:\S+)/,
      2,
    );
    try {
      const matches = await start.matched;
      expect(matches[0][1]).toBe(matches[1][1]);
      const res = await get(new URL(matches[0][1]), "/hello/prod");
      expect(res).toEqual({ status: 200, type: expect.stringMatching(/^application\/json/), body: '{"hello":"prod"}' });
    } finally {
      await start.stop();
    }

    // npm run lint: ESLint 10 with typescript-eslint (on the TypeScript 6 API) and Prettier.
    await sh(app, "npm", ["run", "lint"]);
    // The Dockerfile, checked against the project as npm left it (with its lock file).
    expect(dockerfileProblems(readFileSync(join(app, "Dockerfile"), "utf8"), app, ["node", "dist/main.js"])).toEqual(
      [],
    );

    // The image's run stage: the production dependencies alone, then npm start.
    rmSync(join(app, "node_modules"), { recursive: true, force: true });
    await sh(app, "npm", ["ci", "--omit=dev", "--no-audit", "--no-fund", "--prefer-offline"]);
    const installed = (name: string) => existsSync(join(app, "node_modules", name));
    expect(["@aex/core", "pino"].filter(installed)).toEqual(["@aex/core", "pino"]);
    const devTools = [
      "@aex/cli",
      "@aex/openapi",
      "tsx",
      "esbuild",
      "typescript",
      "@typescript",
      "eslint",
      "prettier",
      "ajv",
    ];
    expect(devTools.filter(installed)).toEqual([]);
    const prod = startUntil(
      app,
      "npm",
      ["start"],
      { PORT: "0", HOST: "127.0.0.1", NODE_ENV: "production" },
      /Listening on (http:\S+)/,
    );
    try {
      const [[, url]] = await prod.matched;
      const res = await get(new URL(url), "/hello/image");
      expect(res).toEqual({
        status: 200,
        type: expect.stringMatching(/^application\/json/),
        body: '{"hello":"image"}',
      });
    } finally {
      await prod.stop();
    }
  });
});
