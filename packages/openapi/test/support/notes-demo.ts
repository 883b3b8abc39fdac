// The README's demo app (examples/notes): its controllers pushed on an app of their own, enough
// for its routes and so its OpenAPI document (no database, session store or server is opened).
import { Aex } from "@aex/core";
import { hubOf, websockets } from "@aex/ws";
import { controllers } from "../../../../examples/notes/src/controllers";

/** The demo's routes, as `createNotesApp()` pushes them. */
export function notesDemoApp(): Aex {
  const aex = new Aex().register(websockets);
  for (const Controller of controllers({ live: hubOf(aex) })) aex.push(Controller);
  return aex;
}
