import { Aex } from "@aex/core";
import { MemoryStore, sessions, type Store } from "@aex/session";
import { RedisStore } from "@aex/session/redis";
import { hubOf, websockets, type WebSocketServer } from "@aex/ws";
import { RedisAdapter } from "@aex/ws/redis";
import { controllers } from "./controllers";
import { openDatabase, type DatabaseOptions } from "./database/open-database";
import { database } from "./database/plugin";
import type { NotesDatabase } from "./database/tables";

/** Options of the notes app. */
export interface NotesAppOptions {
  /** Keep sessions (and share live updates) in Redis, for several instances. */
  redisUrl?: string;
  /** Session cookie secret; see docs/sessions.md. */
  secret?: string;
  /** PostgreSQL (`url`) or the SQLite file's folder (`dataDir`); SQLite in `data/` by default. */
  database?: DatabaseOptions;
}

/** The notes app, not started yet. */
export interface NotesApp {
  readonly aex: Aex;
  /** The hub of the live connections (`@ws("/live")`). */
  readonly live: WebSocketServer;
  readonly store: Store;
  /** The notes and accounts, also `scope.orm.db`; closed by `aex.close()`. */
  readonly db: NotesDatabase;
  /** Which database, for the start-up line: `SQLite (…/notes.sqlite)`, `PostgreSQL (host/name)`. */
  readonly where: string;
}

/**
 * Builds the notes app: database (migrated first), sessions, REST API, HTML page, assets and
 * live updates. Rejects, having opened nothing, when the database cannot be reached.
 */
export async function createNotesApp(options: NotesAppOptions = {}): Promise<NotesApp> {
  const aex = new Aex();
  const { db, where } = await openDatabase(options.database ?? {}, aex.log);
  const store: Store = options.redisUrl ? new RedisStore({ url: options.redisUrl }) : new MemoryStore();
  aex
    .register(database, db)
    .register(sessions, { store, secret: options.secret })
    .register(websockets, { adapter: options.redisUrl ? new RedisAdapter({ url: options.redisUrl }) : undefined });
  const live = hubOf(aex);
  for (const Controller of controllers({ live })) aex.push(Controller);
  if (store instanceof RedisStore) aex.onClose(() => store.close());
  return { aex, live, store, db, where };
}
