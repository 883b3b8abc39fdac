const { createApp } = require("./app");

const port = Number(process.env.PORT ?? 3000);
const host = process.env.HOST ?? "localhost";
const aex = createApp();

aex
  .prepare()
  .start(port, host)
  .then(() => console.log(`Aex (JavaScript) listening on http://${host}:${aex.port}/`));
