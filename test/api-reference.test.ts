// The API reference (`pnpm docs:api`, TypeDoc) is part of the test command: every public
// export of every package is documented and every `{@link}` resolves. A fixture with one
// fault of each kind shows the check does refuse them.
import { spawn } from "node:child_process";
import { join } from "node:path";
import { stripVTControlCharacters } from "node:util";

const root = join(__dirname, "..");
const script = join(root, "scripts", "api-reference.mjs");
const fixture = join(__dirname, "fixtures", "api-reference");

interface Run {
  readonly code: number | null;
  /** stdout and stderr together, without terminal colours. */
  readonly output: string;
}

/** Runs the reference script with `args`; killed if it takes longer than `limitMs`. */
function runScript(args: readonly string[], limitMs: number): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), limitMs);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, output: stripVTControlCharacters(output) });
    });
  });
}

describe("the API reference (TypeDoc)", () => {
  // Both runs start at once: the slow one (every package) bounds the file's time.
  let packages: Promise<Run>;
  let broken: Promise<Run>;
  beforeAll(() => {
    packages = runScript(["--check"], 110_000);
    broken = runScript(
      ["--check", "--packages", join(fixture, "packages"), "--tsconfig", join(fixture, "tsconfig.json")],
      110_000,
    );
  });

  it("documents every public export of core, session, template and ws, with no broken link", async () => {
    const { code, output } = await packages;
    expect(output).not.toMatch(/\[(warning|error)\]/);
    expect(output).toContain(
      "API reference: 23 entries of @aex/asyncapi, @aex/auth, @aex/core, @aex/metrics, @aex/openapi, @aex/session, @aex/template, @aex/ws, every public export documented, every link resolved.",
    );
    expect(code).toBe(0);
  }, 120_000);

  it("refuses an undocumented export and a broken link", async () => {
    const { code, output } = await broken;
    expect(code).toBe(1);
    expect(output).toContain("undocumentedExport (CallSignature), defined in @aex-fixture/broken/src/index.ts");
    expect(output).toContain('Failed to resolve link to "NoSuchThing" in comment for linked');
    expect(output).toContain("The API reference has problems");
  }, 120_000);
});
