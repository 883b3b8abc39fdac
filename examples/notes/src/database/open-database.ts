import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import type { AexLogger } from "@aex/core/plugin";
import BetterSqlite3 from "better-sqlite3";
import { CompiledQuery, Kysely, Migrator, PostgresDialect, type Dialect } from "kysely";
import { Pool } from "pg";
import { openBunSqlite } from "./bun-sqlite";
import { SharedFileSqliteDialect } from "./shared-file-sqlite";
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

/** SQLite settings of each connection: waits are bounded, readers never wait for the writer. */
const SQLITE_PRAGMAS = ["pragma busy_timeout = 5000", "pragma journal_mode = wal", "pragma foreign_keys = on"];

const isBusy = (error: unknown) => (error as { code?: unknown } | null)?.code === "SQLITE_BUSY";

/**
 * Runs `statement`, again while SQLite answers busy without waiting, for up to 5 s. The
 * switch of a new file to WAL needs the file to itself: processes that open it at once (the
 * cluster's workers at first start) are refused until one of them has switched it.
 */
async function whileBusy(statement: () => Promise<unknown>): Promise<void> {
  for (let tries = 1; ; tries++) {
    try {
      await statement();
      return;
    } catch (error) {
      if (!isBusy(error) || tries === 100) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

function sqlite(dataDir: string): { dialect: Dialect; where: string } {
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, "notes.sqlite");
  // Bun cannot load better-sqlite3's native module; it has SQLite built in.
  const database = process.versions.bun ? openBunSqlite(file) : new BetterSqlite3(file);
  const dialect = new SharedFileSqliteDialect({
    database,
    async onCreateConnection(connection) {
      for (const pragma of SQLITE_PRAGMAS) await whileBusy(() => connection.executeQuery(CompiledQuery.raw(pragma)));
    },
  });
  return { dialect, where: `SQLite (${file})` };
}

function postgres(url: string, log: AexLogger): { dialect: Dialect; where: string } {
  const { host, pathname } = new URL(url);
  const pool = new Pool({ connectionString: url });
  // An idle connection that the server drops is replaced on next use; unheard, pg's error
  // event would end the process.
  pool.on("error", (error) => log.warn({ err: error }, "PostgreSQL dropped an idle connection"));
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
