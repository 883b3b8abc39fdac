import { Aex, get, post } from "@aex/core";
import { rateLimit } from "@aex/core/rate-limit";

const aex = new Aex();
aex.use(rateLimit({ limit: 100, windowMs: 60_000 }));

class Account {
  @get("/")
  home(_req: any, res: any) {
    res.end("home");
  }

  @post("/login")
  @rateLimit({ limit: 5, windowMs: 60_000, name: "login", algorithm: "sliding" })
  login(_req: any, res: any) {
    res.end("welcome");
  }
}
aex.push(Account);

describe("docs/rate-limit.md: a global limit and a stricter one on login", () => {
  it("answers the sixth login of a minute with 429, while the global limit still has room", async () => {
    for (let i = 0; i < 5; i++) expect((await aex.inject().post("/login")).status).toBe(200);
    const refused = await aex.inject().post("/login");
    expect(refused.status).toBe(429);
    expect(refused.headers["ratelimit-policy"]).toBe('"login";q=5;w=60');
    expect(refused.json()).toMatchObject({ code: "AEX_RATE_LIMITED" });
    const home = await aex.inject().get("/");
    expect(home.status).toBe(200);
    expect(home.headers["ratelimit-policy"]).toBe('"default";q=100;w=60');
    expect(home.headers.ratelimit).toMatch(/^"default";r=93;t=\d+$/);
  });
});
