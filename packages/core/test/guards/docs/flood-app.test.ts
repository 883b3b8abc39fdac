import { Aex, get } from "@aex/core";
import { floodGuard } from "@aex/core/flood-guard";

class Home {
  @get("/")
  home(_req: any, res: any) {
    res.end("home");
  }
}

export async function start(port: number): Promise<Aex> {
  const guard = floodGuard({ maxConnectionsPerIp: 32, maxRequests: 500, windowMs: 10_000, banMs: 60_000 });
  const aex = new Aex();
  aex.use(guard);
  aex.push(Home);
  guard.attach(aex.createServer());
  await aex.start(port, "127.0.0.1");
  return aex;
}

import { send } from "../../support/http";

describe("docs/flood.md: a flood guard in front of an app", () => {
  it("serves normal traffic", async () => {
    const aex = await start(0);
    try {
      const res = await send(`http://127.0.0.1:${aex.port}`, "GET", "/");
      expect(res.status).toBe(200);
      expect(res.text).toBe("home");
    } finally {
      await aex.close();
    }
  });
});
