import type { Generated, Kysely } from "kysely";

/** A demo account: the scrypt hash of its password, with its salt (hex). */
export interface UsersTable {
  name: string;
  salt: string;
  hash: string;
}

/** One note of one user; `id` grows with each note, so newest first is `id` descending. */
export interface NotesTable {
  id: Generated<number>;
  owner: string;
  title: string;
  text: string;
  /** ISO 8601, the same text in SQLite and PostgreSQL. */
  created_at: string;
}

/** The demo's tables, as Kysely types its queries. */
export interface NotesTables {
  users: UsersTable;
  notes: NotesTable;
}

/** The demo's database: what `scope.orm.db` holds. */
export type NotesDatabase = Kysely<NotesTables>;
