// The jest tests that cannot run under Bun, each with the reason. `scripts/test-bun.mjs`
// filters them out by the start of their full name (describe blocks and test name joined by
// spaces; an entry that names a describe block covers all of its tests) and prints this
// list. A renamed test no longer matches its entry, so it runs under Bun and fails: the
// list cannot hide a test by accident. What each one checks on Bun instead lives in
// test/bun/ (run by jest and Bun alike).

/** @type {readonly { name: string; file: string; reason: string; instead: string }[]} */
export const BUN_SKIPS = [
  {
    name: "a finished request answered after its handler returned is not kept by the handler timeout's watch",
    file: "packages/core/test/request-lifetime.test.ts",
    reason:
      "asks whether a response object was collected after a full collection; JavaScriptCore scans the stack " +
      "conservatively and Bun's node:http keeps objects of its own, so Bun.gc(true) frees them only sometimes",
    instead: "the watch lists are the same code on both runtimes; the file's handler-timeout test runs on Bun",
  },
  {
    name: "a finished request whose JSON body was read is not kept by the body-timeout watch",
    file: "packages/core/test/request-lifetime.test.ts",
    reason:
      "same as above: whether JavaScriptCore's conservative collector frees an object is not for a test to require",
    instead: "the body-timeout tests of packages/core/test/security/body-limits.test.ts run on Bun",
  },
  {
    name: "aex.close() rejects start() on a port already taken",
    file: "packages/core/test/aex.test.ts",
    reason:
      "asserts node's message (/EADDRINUSE/); Bun rejects with the same code EADDRINUSE but the message " +
      '"Failed to start server. Is port N in use?"',
    instead: "test/bun/runtime-differences.test.ts (checks the code on both runtimes)",
  },
  {
    name: "bad input and limits drops a peer that stops answering heartbeats",
    file: "packages/ws/test/websocket.test.ts",
    reason:
      "pauses the client's TCP socket through the ws package's internals (client.socket._socket); under Bun " +
      '`import "ws"` is Bun\'s built-in WebSocket, which has no such socket to pause',
    instead:
      "packages/ws/test/native-websocket.test.ts (a raw TCP client that stops answering pings is dropped, on " +
      "Bun.serve's own WebSockets and on node:http alike); test/bun/runtime-differences.test.ts shows which ws " +
      "module each runtime loads",
  },
  {
    name: "bad input and limits closes a client that does not read with 1013 (maxBufferedAmount)",
    file: "packages/ws/test/websocket.test.ts",
    reason: "same as above: needs the npm ws client's TCP socket (client.socket._socket.pause()/resume())",
    instead:
      "packages/ws/test/native-websocket.test.ts (a raw TCP client that stops reading gets 1013, on both runtimes)",
  },
  {
    name: "examples/hello-js (Babel legacy decorators)",
    file: "examples/hello-js/test/hello-js.test.ts",
    reason:
      "runs the example as `node -r @babel/register`; Bun transpiles JavaScript decorators itself before " +
      "Babel's hook sees the file, and Bun cannot parse decorators in a CommonJS file (require/module.exports)",
    instead:
      "test/bun/run-on-bun.test.ts (Bun serves the same controller from app.mjs, with no Babel, and from " +
      "app.ts in both modes; a test shows the CommonJS parse error)",
  },
  {
    name: "examples/hello-js-standard (Babel 2023-11 standard decorators)",
    file: "examples/hello-js-standard/test/hello-js-standard.test.ts",
    reason: "same as above: `node -r @babel/register` on a CommonJS file with decorators",
    instead: "test/bun/run-on-bun.test.ts (bun app.mjs: Bun's own standard decorators, no Babel)",
  },
  {
    name: "@serve(url) and @assets(url) streams a large file without buffering it whole",
    file: "packages/core/test/serve.test.ts",
    reason:
      "waits for the server socket's writableNeedDrain, which stays false on Bun: Bun's node:http " +
      "reports backpressure on the response (res.write() returns false, res.writableNeedDrain), not on the socket",
    instead: "test/bun/static-backpressure.test.ts (same check, waiting on the response; runs on both)",
  },
];

/**
 * Whole files left out of the Bun run (`--path-ignore-patterns`), with the reason. Not
 * because they fail on Bun: what they test does not depend on the runtime the test runs in,
 * and running them twice more would triple the command's slowest part.
 * @type {readonly { file: string; reason: string }[]}
 */
export const BUN_SKIPPED_FILES = [
  {
    file: "test/pack.test.ts",
    reason:
      "packs the packages and npm-installs them into new projects, then serves with node (about 3 minutes " +
      "of npm and tsc, the same whichever runtime runs the test); jest runs it",
  },
  {
    file: "test/api-reference.test.ts",
    reason:
      "runs TypeDoc, a Node program, over the packages' sources as node child processes: its verdict does not " +
      "depend on the runtime that starts it, and a Bun run would repeat the same ~30 s of node; jest runs it",
  },
  {
    file: "test/docs.test.ts",
    reason:
      "checks the Markdown: one TypeScript program type-checks every code block, and the programs run in " +
      "process through jest's module mapping (about 30 s, the same check whichever runtime runs it); jest runs it",
  },
  {
    file: "packages/cli/test/**",
    reason:
      "the aex bin is a Node tool (node --watch, node's cluster): its tests run it as node child processes, " +
      "so a Bun run repeats the same node processes; jest runs them",
  },
  {
    file: "packages/create-aex/test/**",
    reason:
      "create-aex and the project it makes run on node (node --test, npm); the tests start node and npm " +
      "themselves, whichever runtime runs them; jest runs them",
  },
  {
    file: "examples/notes/test/database-docs.test.ts",
    reason:
      "runs docs/database.md's `npx --yes pnpm@9 start` commands, which build and serve the demo with node " +
      "whichever runtime runs the test (the demo's own suites, notes-api and browser, run under Bun); jest runs it",
  },
  {
    file: "test/bench-smoke.test.ts",
    reason:
      "the bench is a Node tool (bench/run.mjs starts its servers with node); under bun test the smoke " +
      "would start every server on Bun instead, which the bench never measures, once per decorator mode " +
      "although the file has no decorators (about 30 s each); and Bun's fetch gets ECONNRESET from " +
      "routing-controllers' realistic 401, sent before the body is read; jest runs it",
  },
];

/** A `bun test -t` pattern that matches every test except the listed ones. */
export function skipPattern(skips = BUN_SKIPS) {
  const escape = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return `^(?!(${skips.map((s) => escape(s.name)).join("|")}))`;
}
