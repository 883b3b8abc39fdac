import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import type { AexLogger } from "@aex/core";
import BetterSqlite3 from "better-sqlite3";
import { CompiledQuery, Kysely, Migrator, PostgresDialect, SqliteDialect, type Dialect } from "kysely";
import { Pool } from "pg";
import { openBunSqlite } from "./bun-sqlite";
import { migrations, type DialectName } from "./migrations";
import type { NotesDatabase, NotesTables } from "./tables";

/** Where the demo keeps its notes and accounts. */
export interface DatabaseOptions {
  /** A PostgreSQL URL (`postgres://user:password@host:5432/name`); without it, SQLite. */
  url?: string;
  /** The folder of the SQLite file `notes.sqlite`, made on first start (default: the demo's `data/`). */
  dataDir?: string;
}

/** An open, migrated database, and where it is (for the start-up line; no password). */
export interface OpenDatabase {
  readonly db: NotesDatabase;
  readonly where: string;
}

/** The demo's folder (next to `src/` and `dist/`). */
const home = resolve(__dirname, "..", "..");

/** SQLite settings of each connection: readers never wait for the writer, waits are bounded. */
const SQLITE_PRAGMAS = ["pragma journal_mode = wal", "pragma busy_timeout = 5000", "pragma foreign_keys = on"];

function sqlite(dataDir: string): { dialect: Dialect; where: string } {
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, "notes.sqlite");
  // Bun cannot load better-sqlite3's native module; it has SQLite built in.
  const database = process.versions.bun ? openBunSqlite(file) : new BetterSqlite3(file);
  const dialect = new SqliteDialect({
    database,
    async onCreateConnection(connection) {
      for (const pragma of SQLITE_PRAGMAS) await connection.executeQuery(CompiledQuery.raw(pragma));
    },
  });
  return { dialect, where: `SQLite (${file})` };
}

function postgres(url: string, log: AexLogger): { dialect: Dialect; where: string } {
  const pool = new Pool({ connectionString: url });
  // An idle connection that the server drops is replaced on next use; unheard, pg's error
  // event would end the process.
  pool.on("error", (error) => log.warn({ err: error }, "PostgreSQL dropped an idle connection"));
  const { host, pathname } = new URL(url);
  return { dialect: new PostgresDialect({ pool }), where: `PostgreSQL (${host}${pathname})` };
}

/**
 * Opens the demo's database, PostgreSQL when `url` is given, SQLite otherwise, and runs the
 * migrations it lacks. Rejects (with the database closed) when it cannot.
 */
export async function openDatabase(options: DatabaseOptions, log: AexLogger): Promise<OpenDatabase> {
  const name: DialectName = options.url ? "postgres" : "sqlite";
  const { dialect, where } = options.url ? postgres(options.url, log) : sqlite(options.dataDir || join(home, "data"));
  const db = new Kysely<NotesTables>({ dialect });
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations(name) } });
  const { error, results = [] } = await migrator.migrateToLatest();
  if (error !== undefined) {
    await db.destroy();
    throw new Error(`Could not migrate ${where}`, { cause: error });
  }
  for (const { migrationName, status } of results) log.info({ migration: migrationName, status }, "migration");
  return { db, where };
}
