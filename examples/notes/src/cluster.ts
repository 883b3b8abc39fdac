// The notes demo on every core: `node dist/cluster.js` (set REDIS_URL so the workers share
// sessions and live updates; the notes are in one database for all of them; WORKERS to
// choose how many).
import { runCluster } from "@aex/core/cluster";
import { createNotesApp } from "./app";

runCluster(
  async () => {
    const database = { url: process.env.DATABASE_URL, dataDir: process.env.DATA_DIR };
    const { aex } = await createNotesApp({
      redisUrl: process.env.REDIS_URL,
      secret: process.env.AEX_SESSION_SECRET,
      database,
    });
    await aex.start(Number(process.env.PORT ?? 3000), "0.0.0.0");
  },
  { workers: Number(process.env.WORKERS) || undefined },
);
