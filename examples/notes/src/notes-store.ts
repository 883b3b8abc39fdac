import type { Selectable } from "kysely";
import type { NotesDatabase, NotesTable } from "./database/tables";

/** One note of one user, as the API answers it. */
export interface Note {
  id: string;
  title: string;
  text: string;
  createdAt: string;
}

/** The largest id a PostgreSQL `serial` holds: a longer id names no note. */
const MAX_ID = 2 ** 31 - 1;

function toNote(row: Pick<Selectable<NotesTable>, "id" | "title" | "text" | "created_at">): Note {
  return { id: String(row.id), title: row.title, text: row.text, createdAt: row.created_at };
}

/** A page of `owner`'s notes, newest first, and how many they have in all. */
export async function listNotes(
  db: NotesDatabase,
  owner: string,
  offset: number,
  limit: number,
): Promise<{ notes: Note[]; total: number }> {
  const rows = await db
    .selectFrom("notes")
    .select(["id", "title", "text", "created_at"])
    .where("owner", "=", owner)
    .orderBy("id", "desc")
    .limit(limit)
    .offset(offset)
    .execute();
  const { total } = await db
    .selectFrom("notes")
    .select((eb) => eb.fn.countAll<number | string>().as("total"))
    .where("owner", "=", owner)
    .executeTakeFirstOrThrow();
  // PostgreSQL counts in bigint, which pg hands over as a string.
  return { notes: rows.map(toNote), total: Number(total) };
}

/** Adds a note for `owner` and returns it. */
export async function addNote(db: NotesDatabase, owner: string, title: string, text: string): Promise<Note> {
  const row = await db
    .insertInto("notes")
    .values({ owner, title, text, created_at: new Date().toISOString() })
    .returning(["id", "title", "text", "created_at"])
    .executeTakeFirstOrThrow();
  return toNote(row);
}

/** Deletes `owner`'s note `id`; false when they have no such note. */
export async function removeNote(db: NotesDatabase, owner: string, id: string): Promise<boolean> {
  const key = /^\d{1,10}$/.test(id) ? Number(id) : 0;
  if (key < 1 || key > MAX_ID) return false;
  const { numDeletedRows } = await db
    .deleteFrom("notes")
    .where("id", "=", key)
    .where("owner", "=", owner)
    .executeTakeFirstOrThrow();
  return numDeletedRows > 0n;
}
