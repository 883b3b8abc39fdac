// `pnpm bench:leak`: a million requests against Aex with its RSS sampled; RSS must level off.
// Options: --requests 1000000 --connections 50 --pipelining 10
import { join } from "node:path";
import { parseArgs } from "node:util";
import { here, load, mb, pinning, startServer, stopServer, writeResultsSection } from "./lib.mjs";

const { values: opts } = parseArgs({
  options: {
    requests: { type: "string", default: "1000000" },
    connections: { type: "string", default: "50" },
    pipelining: { type: "string", default: "10" },
  },
});

const child = await startServer(join(here, "dist/aex-server.js"), 4199);
let result;
try {
  result = await load(
    "http://127.0.0.1:4199/user/42",
    { connections: Number(opts.connections), pipelining: Number(opts.pipelining), amount: Number(opts.requests) },
    child.pid,
  );
} finally {
  await stopServer(child);
}

// RSS at each tenth of the run. V8 grows its heap in steps early on; a leak instead keeps
// growing to the end, so the verdict looks at the last 40% of the run.
const samples = result.rssSamples.filter((rss) => rss > 0);
const at = (fraction) => samples[Math.min(samples.length - 1, Math.floor(samples.length * fraction))];
const tenths = Array.from({ length: 10 }, (_, i) => at((i + 1) / 10));
const settled = at(0.6);
const last = tenths[9];
const growth = (last - settled) / settled;
const verdict = growth <= 0.05 ? "levels off" : "keeps growing";
const summary = `${result.requests.total.toLocaleString("en-US")} requests (GET /user/:id), ${result.errors} errors, ${pinning}.
RSS at each tenth of the run: ${tenths.map(mb).join(", ")}.
From 60% to the end RSS changed by ${(growth * 100).toFixed(1)}%: it ${verdict}.`;
console.log(summary);

writeResultsSection(
  "leak",
  `## Leak check (\`pnpm bench:leak\`, ${new Date().toISOString().slice(0, 10)}, Node ${process.version})\n\n${summary}`,
);
if (verdict !== "levels off") process.exitCode = 1;
