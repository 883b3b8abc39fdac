import { Aex } from "@aex/core";
import { MemoryStore, sessions, type Store } from "@aex/session";
import { RedisStore } from "@aex/session/redis";
import { hubOf, websockets, type WebSocketServer } from "@aex/ws";
import { RedisAdapter } from "@aex/ws/redis";
import { controllers } from "./controllers";
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
  /** The hub of the live connections (`@ws("/live")`). */
  readonly live: WebSocketServer;
  readonly store: Store;
}

/** Builds the notes app: sessions, REST API, HTML page, assets and live updates. */
export function createNotesApp(options: NotesAppOptions = {}): NotesApp {
  const store: Store = options.redisUrl ? new RedisStore({ url: options.redisUrl }) : new MemoryStore();
  const aex = new Aex()
    .register(sessions, { store, secret: options.secret })
    .register(websockets, { adapter: options.redisUrl ? new RedisAdapter({ url: options.redisUrl }) : undefined });
  const live = hubOf(aex);
  for (const Controller of controllers({ users: new Users(), notes: new NotesStore(), live })) aex.push(Controller);
  if (store instanceof RedisStore) aex.onClose(() => store.close());
  return { aex, live, store };
}
