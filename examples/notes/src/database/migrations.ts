import type { Kysely, Migration } from "kysely";

/** The SQL dialects the demo runs on. */
export type DialectName = "sqlite" | "postgres";

/**
 * The demo's migrations, written in code so the build carries them. Kysely's Migrator runs
 * the missing ones at start, in the order of their names, and records them in its own table.
 * Only the id column differs between the dialects.
 */
export function migrations(dialect: DialectName): Record<string, Migration> {
  return {
    "2026-12-01-users-and-notes": {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable("users")
          .addColumn("name", "text", (column) => column.primaryKey())
          .addColumn("salt", "text", (column) => column.notNull())
          .addColumn("hash", "text", (column) => column.notNull())
          .execute();
        const notes = db.schema.createTable("notes");
        await (
          dialect === "postgres"
            ? notes.addColumn("id", "serial", (column) => column.primaryKey())
            : notes.addColumn("id", "integer", (column) => column.primaryKey().autoIncrement())
        )
          .addColumn("owner", "text", (column) => column.notNull().references("users.name"))
          .addColumn("title", "text", (column) => column.notNull())
          .addColumn("text", "text", (column) => column.notNull())
          .addColumn("created_at", "text", (column) => column.notNull())
          .execute();
        await db.schema.createIndex("notes_by_owner").on("notes").columns(["owner", "id"]).execute();
      },
    },
  };
}
