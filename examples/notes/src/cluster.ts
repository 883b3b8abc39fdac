// The notes demo on every core: `node dist/cluster.js` (set REDIS_URL so the workers share
// sessions and live updates).
import { runCluster } from "@aex/core";
import { createNotesApp } from "./app";

runCluster(async () => {
  const { aex } = createNotesApp({ redisUrl: process.env.REDIS_URL });
  await aex.start(Number(process.env.PORT ?? 3000), "0.0.0.0");
  process.once("SIGTERM", () => void aex.close().then(() => process.exit(0)));
});
