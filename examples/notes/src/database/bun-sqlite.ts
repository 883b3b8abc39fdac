import { createRequire } from "node:module";
import type { SqliteDatabase } from "kysely";

/** What the adapter uses of a `bun:sqlite` statement. */
interface BunStatement {
  readonly columnNames: string[];
  all(...parameters: unknown[]): unknown[];
  run(...parameters: unknown[]): { changes: number; lastInsertRowid: number | bigint };
  iterate(...parameters: unknown[]): IterableIterator<unknown>;
}

/** What the adapter uses of a `bun:sqlite` database. */
interface BunDatabase {
  prepare(sql: string): BunStatement;
  close(): void;
}

/**
 * Opens `file` with Bun's built-in SQLite, shaped as Kysely's `SqliteDialect` expects (the
 * better-sqlite3 API): Bun cannot load better-sqlite3's native module. Only called on Bun.
 */
export function openBunSqlite(file: string): SqliteDatabase {
  const { Database } = createRequire(__filename)("bun:sqlite") as { Database: new (file: string) => BunDatabase };
  const db = new Database(file);
  return {
    close: () => db.close(),
    prepare(sql) {
      const statement = db.prepare(sql);
      return {
        // Kysely reads rows from statements that return some (SELECT, … RETURNING).
        reader: statement.columnNames.length > 0,
        all: (parameters) => statement.all(...parameters),
        run: (parameters) => statement.run(...parameters),
        iterate: (parameters) => statement.iterate(...parameters),
      };
    },
  };
}
