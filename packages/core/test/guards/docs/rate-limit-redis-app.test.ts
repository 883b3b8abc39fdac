import { Aex, get } from "@aex/core";
import { rateLimit, RedisRateLimitStore } from "@aex/core/rate-limit";
import { createClient } from "redis";

export async function createApp(redisUrl: string): Promise<Aex> {
  const client = createClient({ url: redisUrl, disableOfflineQueue: true });
  client.on("error", (error) => console.error("redis:", error.message));
  await client.connect();
  const aex = new Aex();
  aex.use(rateLimit({ limit: 100, windowMs: 60_000, store: new RedisRateLimitStore(client), failOpen: false }));
  aex.onClose(() => client.quit());
  return aex;
}

import { startRedis } from "../../../../session/test/support/redis-server";

class Home {
  @get("/")
  home(_req: any, res: any) {
    res.end("home");
  }
}

describe("docs/rate-limit.md: one limit shared by every instance through Redis", () => {
  it("counts the requests of two instances together", async () => {
    const redis = await startRedis();
    const [a, b] = [await createApp(redis.url), await createApp(redis.url)];
    try {
      a.push(Home);
      b.push(Home);
      expect((await a.inject().get("/")).headers.ratelimit).toMatch(/r=99;/);
      expect((await b.inject().get("/")).headers.ratelimit).toMatch(/r=98;/);
    } finally {
      await a.close();
      await b.close();
      await redis.stop();
    }
  });
});
