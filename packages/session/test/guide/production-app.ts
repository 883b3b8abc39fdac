import { Aex } from "@aex/core";
import { health } from "@aex/core/health";
import { RedisStore } from "@aex/session/redis";

export async function main(redisUrl: string, port: number, host = "0.0.0.0"): Promise<Aex> {
  const store = new RedisStore({ url: redisUrl });
  const aex = new Aex({ closeTimeout: 10_000, shutdownTimeout: 15_000 });
  // Readiness fails while Redis does not answer within a second.
  aex.use(health({ checks: { redis: () => store.get("health-probe") }, timeout: 1000 }));
  // Closed after the last request finished; the process then exits on its own.
  aex.onClose(() => store.close());
  await aex.start(port, host);
  return aex;
}
