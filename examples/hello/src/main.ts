import { createApp } from "./app";

const port = Number(process.env.PORT ?? 3000);
const host = process.env.HOST ?? "localhost";

createApp()
  .prepare()
  .start(port, host)
  .then((server) => {
    const address = server.address();
    const bound = typeof address === "object" && address !== null ? address.port : port;
    console.log(`Aex demo listening on http://${host}:${bound}/`);
  })
  .catch((error: unknown) => {
    console.error("Could not start the demo:", error);
    process.exitCode = 1;
  });
