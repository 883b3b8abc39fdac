// The notes demo on every core: `node dist/cluster.js` (set REDIS_URL so the workers share
// sessions and live updates; the notes are in one database for all of them).
import { runCluster } from "@aex/core";
import { createNotesApp } from "./app";

runCluster(async () => {
  const database = { url: process.env.DATABASE_URL, dataDir: process.env.DATA_DIR };
  const { aex } = await createNotesApp({ redisUrl: process.env.REDIS_URL, database });
  await aex.start(Number(process.env.PORT ?? 3000), "0.0.0.0");
  process.once("SIGTERM", () => void aex.close().then(() => process.exit(0)));
});
