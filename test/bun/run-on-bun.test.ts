// Bun serving an Aex app as a user runs it: `bun app.ts` in both decorator modes (chosen by
// the tsconfig's experimentalDecorators), and `bun app.mjs`, JavaScript with decorators and no
// Babel: Bun lowers decorators itself, and in JavaScript always as TC39 standard decorators.
// Runs under jest (which spawns the Bun from the root devDependency) and under `bun test`
// (which spawns itself). Also shows the JavaScript form Bun cannot run: decorators in a
// CommonJS file.
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

const root = join(__dirname, "..", "..");
/**
 * Bun itself under `bun test`; under jest the binary scripts/test.mjs found (AEX_BUN), or
 * the one the root devDependency's postinstall put in place. Never the node_modules/.bin
 * shell wrapper: killing the wrapper would leave Bun running.
 */
const bun =
  process.versions.bun !== undefined
    ? process.execPath
    : (process.env.AEX_BUN ?? join(dirname(require.resolve("bun/package.json", { paths: [root] })), "bin", "bun.exe"));

/** The hello-js example's controller as an ES module, as a Bun user writes it. */
const APP_JS = `import { Aex, body, get, post } from "@aex/core";

class HelloAex {
  name = "Bun";

  @get("/json/:id")
  json(_req, res, scope) {
    res.json({ id: scope.params.id, from: this.name, bun: typeof Bun !== "undefined" });
  }

  @post("/echo")
  @body("json")
  echo(_req, res, scope) {
    res.json(scope.body);
  }
}

const aex = new Aex();
aex.push(HelloAex);
await aex.prepare().start(0, "127.0.0.1");
console.log(\`listening on http://127.0.0.1:\${aex.port}/\`);
`;

/** The same app in TypeScript. */
const APP_TS = APP_JS.replace("json(_req, res, scope)", "json(_req: unknown, res: any, scope: any)").replace(
  "echo(_req, res, scope)",
  "echo(_req: unknown, res: any, scope: any)",
);

/** The same controller in a CommonJS file, as the Babel example writes it. */
const COMMONJS_APP = `const { Aex, get } = require("@aex/core");

class HelloAex {
  @get("/")
  home(_req, res) {
    res.end("hello");
  }
}

module.exports = { HelloAex, Aex };
`;

/** Records how many arguments a decorator gets: 3 (legacy) or 2 (standard). */
const PROBE = `const seen = [];
const probe = (...args) => {
  seen.push(args.length);
};
class Probe {
  @probe
  m() {}
}
console.log(JSON.stringify({ args: seen[0], instance: new Probe() instanceof Probe }));
`;

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "aex-bun-"));
  writeFileSync(join(dir, "app.mjs"), APP_JS);
  writeFileSync(join(dir, "app.ts"), APP_TS);
  writeFileSync(join(dir, "probe.mjs"), PROBE);
  writeFileSync(join(dir, "probe.ts"), PROBE.replace("(...args)", "(...args: unknown[])"));
  writeFileSync(join(dir, "app.cjs"), COMMONJS_APP);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** `--tsconfig-override` picks the decorator mode and maps `@aex/*` to the sources. */
const tsconfig = (mode: string) => `--tsconfig-override=${join(root, "test", "bun", `tsconfig.${mode}.json`)}`;

/** Starts `bun <file>`, checks its answers over HTTP, stops it. */
async function serveAndCheck(mode: string, file: string): Promise<void> {
  const child = spawn(bun, [tsconfig(mode), join(dir, file)], { cwd: dir, stdio: ["ignore", "pipe", "inherit"] });
  try {
    const base = await new Promise<string>((resolve, reject) => {
      let out = "";
      child.stdout!.on("data", (chunk: Buffer) => {
        out += String(chunk);
        const url = /listening on (http:\/\/\S+)\//.exec(out);
        if (url) resolve(url[1]);
      });
      child.once("exit", (code) => reject(new Error(`bun ${file} exited with ${code}`)));
    });
    const json = await fetch(`${base}/json/7`);
    expect(json.status).toBe(200);
    expect(json.headers.get("content-type")).toMatch(/^application\/json/);
    expect(await json.json()).toEqual({ id: "7", from: "Bun", bun: true });
    const echo = await fetch(`${base}/echo`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ a: [1, 2] }),
    });
    expect(echo.status).toBe(200);
    expect(await echo.json()).toEqual({ a: [1, 2] });
    const bad = await fetch(`${base}/echo`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{",
    });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ status: 400, code: "AEX_BODY_INVALID" });
  } finally {
    child.kill();
  }
}

/** What `bun <probe>` prints: the decorator's argument count. */
function probe(mode: string, file: string): { args: number; instance: boolean } {
  const result = spawnSync(bun, [tsconfig(mode), join(dir, file)], { cwd: dir, encoding: "utf8" });
  expect(result.status).toBe(0);
  return JSON.parse(result.stdout) as { args: number; instance: boolean };
}

describe("bun app.ts", () => {
  it("applies the tsconfig's decorator mode to TypeScript (3 arguments legacy, 2 standard)", () => {
    expect(probe("legacy", "probe.ts")).toEqual({ args: 3, instance: true });
    expect(probe("standard", "probe.ts")).toEqual({ args: 2, instance: true });
  });

  it.each(["legacy", "standard"])(
    "serves routes, params and JSON bodies (%s decorators)",
    async (mode) => {
      await serveAndCheck(mode, "app.ts");
    },
    30_000,
  );
});

describe("bun app.mjs (JavaScript)", () => {
  it("lowers JavaScript decorators as standard ones whatever experimentalDecorators says", () => {
    expect(probe("legacy", "probe.mjs")).toEqual({ args: 2, instance: true });
    expect(probe("standard", "probe.mjs")).toEqual({ args: 2, instance: true });
  });

  it("serves routes, params and JSON bodies", async () => {
    await serveAndCheck("legacy", "app.mjs");
  }, 30_000);
});

it("Bun (1.4) cannot parse decorators in a CommonJS file: use ESM or TypeScript", () => {
  const result = spawnSync(bun, [tsconfig("legacy"), join(dir, "app.cjs")], { cwd: dir, encoding: "utf8" });
  expect(result.status).toBe(1);
  expect(result.stderr).toContain("SyntaxError");
});
