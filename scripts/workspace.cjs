// The workspace's packages, in one place for the scripts and tests that go through all of
// them (jest's projects and aliases, the docs' programs, the export snapshot, the pack test).
// The tsconfig files name them too (JSON cannot import this): tsconfig.json and
// test/bun/tsconfig.*.json map `@aex/*` generically, tsconfig.build.json and
// tsconfig.api.json list each package.

/** Libraries an app imports (`@aex/<name>`), each tested under both decorator modes' rules. */
const LIBRARIES = ["core", "session", "template", "ws", "metrics", "openapi", "auth", "asyncapi"];

/** Command-line packages: their tests run built bins on plain JS, so one decorator mode. */
const TOOLS = ["cli", "create-aex"];

module.exports = { LIBRARIES, TOOLS };
