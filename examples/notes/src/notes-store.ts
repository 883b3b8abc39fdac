import { randomUUID } from "node:crypto";

/** One note of one user. */
export interface Note {
  id: string;
  title: string;
  text: string;
  createdAt: string;
}

/** Notes by user, newest first. In memory: the demo keeps no database. */
export class NotesStore {
  private readonly byUser = new Map<string, Note[]>();

  list(user: string, offset: number, limit: number): { notes: Note[]; total: number } {
    const notes = this.byUser.get(user) ?? [];
    return { notes: notes.slice(offset, offset + limit), total: notes.length };
  }

  add(user: string, title: string, text: string): Note {
    const note: Note = { id: randomUUID(), title, text, createdAt: new Date().toISOString() };
    const notes = this.byUser.get(user) ?? [];
    this.byUser.set(user, [note, ...notes]);
    return note;
  }

  remove(user: string, id: string): boolean {
    const notes = this.byUser.get(user) ?? [];
    const kept = notes.filter((note) => note.id !== id);
    this.byUser.set(user, kept);
    return kept.length !== notes.length;
  }
}
