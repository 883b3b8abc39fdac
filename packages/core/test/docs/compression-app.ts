import { Aex, get, type AexRequest, type AexResponse } from "@aex/core";
import { compress } from "@aex/core/compress";

const report = { rows: Array.from({ length: 200 }, (_, i) => ({ id: i, total: i * 3 })) };

class Reports {
  // Compressed when the client asks for br, gzip or deflate and the body is over 1 KB.
  @get("/report")
  report(_req: AexRequest, res: AexResponse) {
    res.json(report);
  }

  // Never compressed: the route opts out.
  @get("/report/raw")
  @compress(false)
  raw(_req: AexRequest, res: AexResponse) {
    res.json(report);
  }
}

export const aex = new Aex().use(compress({ threshold: 1024 })).push(Reports);
