import type { Config } from "jest";

const PACKAGES = ["core", "session", "template", "ws"];

// opscore: apps log through pino to stdout; tests that read logs give their own destination.
process.env.LOG_LEVEL ??= "silent";

/** One jest project per package; `@aex/*` imports resolve to the packages' sources. */
function project(name: string): Config {
  return {
    displayName: name,
    rootDir: `packages/${name}`,
    testEnvironment: "node",
    testMatch: ["<rootDir>/test/**/*.test.ts"],
    transform: {
      "^.+\\.ts$": ["ts-jest", { tsconfig: "<rootDir>/../../tsconfig.test.json" }],
    },
    moduleNameMapper: {
      "^@aex/(core|session|template|ws)$": "<rootDir>/../$1/src",
    },
  };
}

const config: Config = {
  projects: [
    ...PACKAGES.map(project),
    {
      displayName: "repo",
      rootDir: ".",
      testEnvironment: "node",
      testMatch: ["<rootDir>/test/**/*.test.ts", "<rootDir>/examples/*/test/**/*.test.ts"],
      transform: {
        "^.+\\.ts$": ["ts-jest", { tsconfig: "<rootDir>/tsconfig.test.json" }],
      },
      moduleNameMapper: {
        "^@aex/(core|session|template|ws)$": "<rootDir>/packages/$1/src",
      },
    },
  ],
};

export default config;
