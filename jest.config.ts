import type { Config } from "jest";
import { join } from "node:path";
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a CommonJS script shared with scripts/test-bun.mjs
const { bothModeFiles } = require("./scripts/decorator-modes.cjs") as { bothModeFiles: (dir: string) => string[] };

// eslint-disable-next-line @typescript-eslint/no-require-imports -- a CommonJS list shared with the scripts
const { LIBRARIES, TOOLS } = require("./scripts/workspace.cjs") as { LIBRARIES: string[]; TOOLS: string[] };

// Apps log through pino to stdout; tests that read logs give their own destination.
process.env.LOG_LEVEL ??= "silent";

/**
 * Decorator modes: TC39 standard decorators (TypeScript's default) and legacy
 * `experimentalDecorators`. Every test file runs under standard decorators; the files marked
 * `// @decorator-modes both` (scripts/decorator-modes.cjs says which and why) run under legacy
 * decorators too.
 */
const MODES = {
  standard: "tsconfig.test.json",
  legacy: "tsconfig.test.legacy.json",
} as const;

/** `@aex/*` imports (and their subpaths) resolve to the packages' sources. */
function aliases(packagesDir: string): Record<string, string> {
  return {
    [`^@aex/(${LIBRARIES.join("|")})$`]: `${packagesDir}/$1/src`,
    [`^@aex/(${LIBRARIES.join("|")})/(.*)$`]: `${packagesDir}/$1/src/$2`,
  };
}

/** One jest project per package and decorator mode. */
function project(name: string, mode: keyof typeof MODES, displayName = `${name} (${mode})`): Config {
  const testMatch =
    mode === "legacy" ? bothModeFiles(join(__dirname, "packages", name, "test")) : ["<rootDir>/test/**/*.test.ts"];
  return {
    displayName,
    rootDir: `packages/${name}`,
    testEnvironment: "node",
    testMatch,
    transform: {
      "^.+\\.ts$": ["ts-jest", { tsconfig: `<rootDir>/../../${MODES[mode]}` }],
    },
    moduleNameMapper: aliases("<rootDir>/.."),
  };
}

const config: Config = {
  // Fits the slowest honest test on a loaded 2-core machine; no test asserts a duration. A
  // global option: jest ignores testTimeout inside a project (it was there, and tests ran
  // with the 5 s default).
  testTimeout: 30_000,
  projects: [
    ...LIBRARIES.flatMap((name) => {
      const legacy = project(name, "legacy");
      return (legacy.testMatch ?? []).length > 0 ? [project(name, "standard"), legacy] : [project(name, "standard")];
    }),
    ...TOOLS.map((name) => project(name, "standard", name)),
    {
      displayName: "repo",
      rootDir: ".",
      // Only these are crawled: the root also holds .tmp/ (the release's clone of the
      // repository, other Node lines, over a gigabyte) whose copies of the packages would
      // collide in jest's module map.
      roots: ["<rootDir>/test", "<rootDir>/examples"],
      testEnvironment: "node",
      testMatch: ["<rootDir>/test/**/*.test.ts", "<rootDir>/examples/*/test/**/*.test.ts"],
      transform: {
        "^.+\\.ts$": ["ts-jest", { tsconfig: "<rootDir>/tsconfig.test.json" }],
      },
      moduleNameMapper: aliases("<rootDir>/packages"),
    },
  ],
};

export default config;
