// The realtime bench cannot rot (issue 29): bench/realtime.mjs runs end to end with a few
// clients (one instance and three behind Redis, Aex and by hand, WebSocket and SSE) and
// prints its report; every client gets every broadcast or the script fails. No timing is
// asserted. It runs the built packages (`tsc -b tsconfig.build.json`) with node, whichever
// runtime runs this test: the bench is a Node tool.
import { execFile } from "node:child_process";
import { join } from "node:path";

const root = join(__dirname, "..");

it("bench/realtime.mjs opens its clients, broadcasts to all of them and reports, in one instance and across three", async () => {
  const output = await new Promise<string>((resolve, reject) =>
    execFile(
      "node",
      [join(root, "bench/realtime.mjs"), "--clients", "60", "--rounds", "2", "--no-write"],
      { cwd: root, timeout: 100_000 },
      (error, stdout, stderr) => (error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(stdout)),
    ),
  );
  const rows = output.split("\n").filter((line) => /^\| (WebSocket|SSE) \|/.test(line));
  expect(
    rows.map((row) =>
      row
        .split("|")
        .slice(1, 3)
        .map((cell) => cell.trim()),
    ),
  ).toEqual([
    ["WebSocket", "**Aex**"],
    ["WebSocket", "by hand"],
    ["SSE", "**Aex**"],
    ["SSE", "by hand"],
    ["WebSocket", "**Aex**"],
    ["WebSocket", "by hand"],
    ["SSE", "**Aex**"],
    ["SSE", "by hand"],
  ]);
  expect(output).toMatch(
    /^- Idle WebSocket clients, memory \(RSS\) per client, Aex ÷ by hand: \d+\.\d\d \(target ≤ 1\.50, (met|not met)\)\.$/m,
  );
  expect(output).toMatch(
    /^- Broadcast to 60 local WebSocket clients, Aex ÷ by hand: \d+\.\d\d \(target ≤ 1\.50, (met|not met)\)\.$/m,
  );
}, 120_000);
