import type { Config } from "jest";

const PACKAGES = ["core", "session", "template", "ws"];

/** Command-line packages: their tests run built bins on plain JS, so one decorator mode. */
const TOOLS = ["cli", "create-aex"];

// Apps log through pino to stdout; tests that read logs give their own destination.
process.env.LOG_LEVEL ??= "silent";

/**
 * Decorator modes every package's suite runs in: TC39 standard decorators (TypeScript's
 * default) and legacy `experimentalDecorators`. Same tests, same sources, two compilations.
 */
const MODES = {
  standard: "tsconfig.test.json",
  legacy: "tsconfig.test.legacy.json",
} as const;

/** `@aex/*` imports (and their subpaths) resolve to the packages' sources. */
function aliases(packagesDir: string): Record<string, string> {
  return {
    "^@aex/(core|session|template|ws)$": `${packagesDir}/$1/src`,
    "^@aex/(core|session|template|ws)/(.*)$": `${packagesDir}/$1/src/$2`,
  };
}

/** One jest project per package and decorator mode. */
function project(name: string, mode: keyof typeof MODES, displayName = `${name} (${mode})`): Config {
  return {
    displayName,
    rootDir: `packages/${name}`,
    testEnvironment: "node",
    testMatch: ["<rootDir>/test/**/*.test.ts"],
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
    ...PACKAGES.flatMap((name) => [project(name, "standard"), project(name, "legacy")]),
    ...TOOLS.map((name) => project(name, "standard", name)),
    {
      displayName: "repo",
      rootDir: ".",
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
