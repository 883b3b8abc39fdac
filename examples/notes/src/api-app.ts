import { Aex } from "@aex/core";
import { hubOf, websockets } from "@aex/ws";
import { controllers } from "./controllers";

/**
 * The notes app's routes, for `aex openapi`, `aex client` and `aex asyncapi` (`pnpm client`
 * writes `client/notes-client.ts` from `dist/api-app.js`, `pnpm asyncapi` writes
 * `asyncapi.json`): the same controllers as `createNotesApp`,
 * on an app that opens no database and serves nothing, since a document needs only the routes.
 * test/client.test.ts checks both list the same routes.
 */
export default function apiApp(): Aex {
  const aex = new Aex().register(websockets);
  for (const Controller of controllers({ live: hubOf(aex) })) aex.push(Controller);
  return aex;
}
