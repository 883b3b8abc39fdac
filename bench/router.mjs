// `pnpm bench:router`: route lookup time against the number of routes, without HTTP.
// A radix tree walks the path once, so the time should follow the path, not the table.
import { createRequire } from "node:module";
import { writeResultsSection } from "./lib.mjs";

const require = createRequire(import.meta.url);
const { RouteTable } = require("../packages/core/dist/plugin");

function timeLookups(table, path, n = 2_000_000) {
  const values = [];
  for (let i = 0; i < 200_000; i++) table.find("GET", path, values); // warm up
  const start = process.hrtime.bigint();
  for (let i = 0; i < n; i++) table.find("GET", path, values);
  return Number(process.hrtime.bigint() - start) / n;
}

const rows = [];
for (const count of [10, 200, 2000, 20000]) {
  const table = new RouteTable();
  for (let i = 0; i < count; i++) table.add("GET", `/r${i}/items/:id`, i);
  const path = `/r${Math.floor(count * 0.75)}/items/42`;
  rows.push({ count, path, ns: timeLookups(table, path) });
}
const table = rows.map((r) => `| ${r.count.toLocaleString("en-US")} | \`${r.path}\` | ${r.ns.toFixed(0)} |`).join("\n");
const section = `## Route lookup (\`pnpm bench:router\`, Node ${process.version})

Time of one lookup of a \`/r{i}/items/:id\` route, by number of such routes registered:

| routes | path | ns per lookup |
| ---: | --- | ---: |
${table}`;
console.log(section);
writeResultsSection("router", section);
