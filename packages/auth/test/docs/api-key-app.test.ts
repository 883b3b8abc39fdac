import { Aex, get } from "@aex/core";
import { apiKey } from "@aex/auth";

const keys = (process.env.REPORT_KEYS ?? "rk_live_0123456789abcdef").split(",");

class Reports {
  @get("/reports")
  @apiKey({ header: "X-API-Key", keys })
  list(_req: any, res: any) {
    res.json([{ id: 1 }]);
  }
}

const aex = new Aex().push(Reports);

describe("docs/auth.md: API keys", () => {
  it("answers a known key and refuses others with 401", async () => {
    expect((await aex.inject().get("/reports").set("X-API-Key", "rk_live_0123456789abcdef")).json()).toEqual([
      { id: 1 },
    ]);
    const wrong = await aex.inject().get("/reports").set("X-API-Key", "rk_live_guess");
    expect(wrong.status).toBe(401);
    expect(wrong.json()).toMatchObject({ code: "AEX_API_KEY_INVALID" });
  });
});
