// The jest tests that cannot run under Bun, each with the reason. `scripts/test-bun.mjs`
// filters them out by the start of their full name (describe blocks and test name joined by
// spaces; an entry that names a describe block covers all of its tests) and prints this
// list. A renamed test no longer matches its entry, so it runs under Bun and fails: the
// list cannot hide a test by accident. What each one checks on Bun instead lives in
// test/bun/ (run by jest and Bun alike).

/** @type {readonly { name: string; file: string; reason: string; instead: string }[]} */
export const BUN_SKIPS = [
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
    instead: "test/bun/runtime-differences.test.ts (shows which ws module each runtime loads)",
  },
  {
    name: "bad input and limits closes a client that does not read (backpressure)",
    file: "packages/ws/test/websocket.test.ts",
    reason: "same as above: needs the npm ws client's TCP socket (client.socket._socket.pause())",
    instead: "test/bun/runtime-differences.test.ts",
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
];

/** A `bun test -t` pattern that matches every test except the listed ones. */
export function skipPattern(skips = BUN_SKIPS) {
  const escape = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return `^(?!(${skips.map((s) => escape(s.name)).join("|")}))`;
}
