import type { AexPlugin, Scope } from "@aex/core";
import type { NotesDatabase } from "./tables";

/**
 * `aex.register(database, db)`: every request finds the demo's database in `scope.orm.db`
 * (`aex.orm` is the app's bag of ORM objects), and the app closes it last when it closes.
 */
export const database: AexPlugin<NotesDatabase> = {
  name: "notes-database",
  setup(app, db) {
    if (db === undefined) throw new TypeError("aex.register(database, db) needs the database");
    app.orm.db = db;
    app.onClose(() => db.destroy());
  },
};

/** The database of the app serving `scope`, typed (`scope.orm` holds any value). */
export function dbOf(scope: Scope): NotesDatabase {
  return scope.orm.db as NotesDatabase;
}
