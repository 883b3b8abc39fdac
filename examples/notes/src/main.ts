import { createNotesApp } from "./app";

const port = Number(process.env.PORT ?? 3000);
const host = process.env.HOST ?? "localhost";
const { aex } = createNotesApp({ redisUrl: process.env.REDIS_URL, secret: process.env.AEX_SESSION_SECRET });

aex
  .start(port, host)
  .then(() => {
    console.log(
      `Aex notes demo: http://${host}:${aex.port}/ (sessions in ${process.env.REDIS_URL ? "Redis" : "memory"})`,
    );
  })
  .catch((error: unknown) => {
    console.error("Could not start the demo:", error);
    process.exitCode = 1;
  });

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => void aex.close().then(() => process.exit(0)));
}
