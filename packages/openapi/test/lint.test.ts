// @decorator-modes both: the documents of apps written with every decorator, under either mode.
// The demo app's (examples/notes) and a RealWorld-sized app's OpenAPI documents, checked by the
// tools their readers use: `redocly lint` with its recommended rules, and openapi-typescript
// (the typed client's generator). Each tool runs once for both documents: they are slow to start.
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { buildOpenApi } from "@aex/openapi";
import { notesDemoApp } from "./support/notes-demo";
import { realWorldApp, REALWORLD_OPTIONS } from "./support/realworld";

const run = promisify(execFile);
const bin = (name: string) => join(__dirname, "..", "..", "..", "node_modules", ".bin", name);
/** No telemetry, no update notice, no colours: the tools as CI runs them. */
const env = { ...process.env, REDOCLY_TELEMETRY: "off", REDOCLY_SUPPRESS_UPDATE_NOTICE: "true", NO_COLOR: "1" };

interface LintReport {
  totals: { errors: number; warnings: number };
  problems: { ruleId: string; severity: string; message: string; location: { pointer: string }[] }[];
}

describe("the documents of the demo app and of a RealWorld-sized app", () => {
  // AEX_OPENAPI_LINT_DIR=folder keeps the documents, the tools' configs and the types there, to look at.
  const kept = process.env.AEX_OPENAPI_LINT_DIR;
  const dir = kept === undefined ? mkdtempSync(join(tmpdir(), "aex-openapi-lint-")) : resolve(kept);
  let lint: Record<string, LintReport>;
  let typed: { stdout: string; stderr: string };
  const documents = {
    notes: buildOpenApi(notesDemoApp().routes(), {
      info: { title: "Notes", version: "1.0.0", license: { name: "MIT", identifier: "MIT" } },
    }),
    realworld: buildOpenApi(realWorldApp().routes(), REALWORLD_OPTIONS),
  };

  beforeAll(async () => {
    mkdirSync(dir, { recursive: true });
    const apis = (extra: (name: string) => string) =>
      Object.keys(documents)
        .map((name) => `  ${name}:\n    root: ./${name}.json\n${extra(name)}`)
        .join("");
    for (const [name, document] of Object.entries(documents)) {
      writeFileSync(join(dir, `${name}.json`), JSON.stringify(document, null, 2));
    }
    // redocly reads its rules from here; openapi-typescript gets the APIs alone (its own checks).
    writeFileSync(join(dir, "redocly.yaml"), `extends:\n  - recommended\napis:\n${apis(() => "")}`);
    writeFileSync(
      join(dir, "openapi-ts.yaml"),
      `apis:\n${apis((name) => `    x-openapi-ts:\n      output: ./${name}.d.ts\n`)}`,
    );
    const [linted, generated] = await Promise.all([
      // Exits 1 when it finds an error: the report is read either way.
      run(bin("redocly"), ["lint", "--format=json", "--config", "redocly.yaml"], { cwd: dir, env }).catch(
        (error: { stdout?: string }) => ({ stdout: error.stdout ?? "" }),
      ),
      run(bin("openapi-typescript"), ["--redocly", "openapi-ts.yaml"], { cwd: dir, env }),
    ]);
    // One JSON report per API, one after the other.
    const reports = JSON.parse(`[${linted.stdout.trim().replace(/^\}\{$/gm, "},{")}]`) as LintReport[];
    lint = Object.fromEntries(Object.keys(documents).map((name, i) => [name, reports[i]]));
    typed = generated;
  });
  afterAll(() => {
    if (kept === undefined) rmSync(dir, { recursive: true, force: true });
  });

  const warnings = (name: string) =>
    lint[name].problems.map((p) => `${p.ruleId} ${p.location[0]?.pointer ?? ""}`).sort();

  it("pass redocly lint's recommended rules with no error", () => {
    expect(lint.notes.problems.filter((p) => p.severity === "error")).toEqual([]);
    expect(lint.realworld.problems.filter((p) => p.severity === "error")).toEqual([]);
    expect(lint.notes.totals.errors + lint.realworld.totals.errors).toBe(0);
  });

  it("leave only the warnings the apps ask for: a route that cannot answer a 4xx, tags with no description", () => {
    // GET /tags has no input to refuse and no guard; the demo gives its tags no description.
    expect(warnings("realworld")).toEqual(["operation-4xx-response #/paths/~1tags/get/responses"]);
    expect(warnings("notes")).toEqual([
      "tag-description #/tags/0/description",
      "tag-description #/tags/1/description",
      "tag-description #/tags/2/description",
    ]);
  });

  it("give openapi-typescript types without a warning", () => {
    expect(typed.stderr.replace(/^.*(→|✨|🚀).*$/gm, "").trim()).toBe("");
    expect(typed.stdout).not.toMatch(/warn|error/i);
    const types = readFileSync(join(dir, "realworld.d.ts"), "utf8");
    // Shared schemas are types of their own; every error answer is a problem.
    for (const name of ["Article", "Profile", "User", "SingleArticleResponse", "Problem", "ValidationProblem"]) {
      expect(types).toContain(`        ${name}: `);
    }
    expect(types).toContain('"application/problem+json": components["schemas"]["ValidationProblem"]');
    expect(types).toContain("favoriteArticle: {");
    expect(readFileSync(join(dir, "notes.d.ts"), "utf8")).toContain(
      '"application/problem+json": components["schemas"]["Problem"]',
    );
  });
});
