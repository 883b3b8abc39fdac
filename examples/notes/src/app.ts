import { Aex } from "@aex/core";
import { MemoryStore, type SessionOptions, type Store } from "@aex/session";
import { RedisStore } from "@aex/session/redis";
import type { WebSocketServer } from "@aex/ws";
import { controllers } from "./controllers";
import { createLive } from "./live";
import { NotesStore } from "./notes-store";
import { Users } from "./users";

/** Options of the notes app. */
export interface NotesAppOptions {
  /** Keep sessions (and share live updates) in Redis, for several instances. */
  redisUrl?: string;
  /** Session cookie secret; see docs/sessions.md. */
  secret?: string;
}

/** The notes app, not started yet. */
export interface NotesApp {
  readonly aex: Aex;
  readonly live: WebSocketServer;
  readonly store: Store;
}

/** Builds the notes app: sessions, REST API, HTML page, assets and live updates. */
export function createNotesApp(options: NotesAppOptions = {}): NotesApp {
  const aex = new Aex();
  const store: Store = options.redisUrl ? new RedisStore({ url: options.redisUrl }) : new MemoryStore();
  const session: SessionOptions = { secret: options.secret };
  const live = createLive(aex, store, session, options.redisUrl);
  for (const Controller of controllers({ store, session, users: new Users(), notes: new NotesStore(), live })) {
    aex.push(Controller);
  }
  if (store instanceof RedisStore) aex.onClose(() => store.close());
  return { aex, live, store };
}
