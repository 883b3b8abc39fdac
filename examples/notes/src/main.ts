import { createNotesApp } from "./app";

const port = Number(process.env.PORT ?? 3000);
const host = process.env.HOST ?? "localhost";

async function main() {
  const { aex, where } = await createNotesApp({
    redisUrl: process.env.REDIS_URL,
    secret: process.env.AEX_SESSION_SECRET,
    // PostgreSQL when DATABASE_URL is set; otherwise SQLite, in DATA_DIR or the demo's data/.
    database: { url: process.env.DATABASE_URL, dataDir: process.env.DATA_DIR },
  });
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => void aex.close().then(() => process.exit(0)));
  }
  await aex.start(port, host);
  const sessions = process.env.REDIS_URL ? "Redis" : "memory";
  console.log(`Aex notes demo: http://${host}:${aex.port}/ (notes in ${where}, sessions in ${sessions})`);
}

main().catch((error: unknown) => {
  console.error("Could not start the demo:", error);
  process.exitCode = 1;
});
