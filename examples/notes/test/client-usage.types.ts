// What the notes demo's generated client lets a program write, and what it refuses: each
// `@ts-expect-error` line must fail to compile (test/client.test.ts runs tsc over this file and
// over a copy without the directives, and checks which error each line gives).
import { createClient, type Problem } from "../client/notes-client";

const api = createClient({ baseUrl: "http://localhost:3000" });

export async function addNote(title: string, text: string): Promise<string> {
  const { data, error } = await api.POST("/api/notes", { body: { title, text } });
  if (error !== undefined) throw new Error(`${error.status} ${error.code}: ${error.detail}`);
  return data.id;
}

export async function titles(): Promise<string[]> {
  const { data } = await api.GET("/api/notes");
  return data?.notes.map((note) => `${note.title} (${note.createdAt})`) ?? [];
}

export async function remove(id: string): Promise<Problem | undefined> {
  const { error } = await api.DELETE("/api/notes/{id}", { params: { path: { id } } });
  return error;
}

export async function mistakes(): Promise<void> {
  // @ts-expect-error a wrong field: the route takes a title and a text (did you mean "text"?)
  await api.POST("/api/notes", { body: { title: "Groceries", txt: "milk" } });
  // @ts-expect-error a wrong path: the notes are under /api
  await api.GET("/notes");
  // @ts-expect-error the note's id is a path parameter the call must give
  await api.DELETE("/api/notes/{id}");
  const { data } = await api.GET("/api/notes");
  // @ts-expect-error a wrong field of the answer: a note has a title, not a name
  console.log(data?.notes[0].name);
}
