import { spawnSync } from "node:child_process";
import { join } from "node:path";

const root = join(__dirname, "../../..");
const tsc = join(root, "node_modules/.bin/tsc");

describe("@body(schema), @query(schema), @params(schema) types", () => {
  // types/schema-handlers.types.ts holds handlers that match their schema and
  // `// @ts-expect-error` ones that do not; tsc fails on an error that is not expected
  // and on an expected error that does not happen.
  it("type-checks handlers under TC39 standard decorators (experimentalDecorators off)", () => {
    const run = spawnSync(tsc, ["-p", join(__dirname, "types/tsconfig.json")], { encoding: "utf8" });
    expect(run.stdout + run.stderr).toBe("");
    expect(run.status).toBe(0);
    // A whole tsc run: about 10 s on a quiet machine, several times that on a loaded one.
  }, 120_000);
});
