// The operations bench: a text and a 2 KB JSON answer, with compress() or metrics() on or off.
import { Aex, get, type AexRequest, type AexResponse } from "@aex/core";
import { compress } from "@aex/core/compress";
import { metrics } from "@aex/metrics";
import { report } from "./report";

class Report {
  @get("/")
  hello(_req: AexRequest, res: AexResponse) {
    res.send("hello world");
  }

  @get("/big")
  big(_req: AexRequest, res: AexResponse) {
    res.json(report);
  }
}

export function startOpsBench(on: { compress?: boolean; metrics?: boolean }): void {
  const aex = new Aex();
  if (on.compress) aex.use(compress());
  if (on.metrics) aex.register(metrics());
  aex
    .push(Report)
    .start(Number(process.argv[2]), "127.0.0.1")
    .then((server) => console.log(`ready ${(server.address() as { port: number }).port}`));
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => process.exit(0));
}
