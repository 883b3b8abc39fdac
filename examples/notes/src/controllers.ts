import { resolve } from "node:path";
import {
  body,
  del,
  filter,
  get,
  HttpError,
  inject,
  paginate,
  post,
  serve,
  type AexRequest,
  type AexResponse,
  type Scope,
} from "@aex/core";
import { session, type SessionOptions, type Store } from "@aex/session";
import { template } from "@aex/template";
import { nunjucks } from "@aex/template/nunjucks";
import type { WebSocketServer } from "@aex/ws";
import { roomOf } from "./live";
import type { NotesStore } from "./notes-store";
import type { Users } from "./users";

/** The folder holding `views/` and `public/` (next to `src/` and `dist/`). */
const home = resolve(__dirname, "..");

/** What the controllers share; decorators need the session store, so it comes first. */
export interface Services {
  readonly store: Store;
  readonly session: SessionOptions;
  readonly users: Users;
  readonly notes: NotesStore;
  readonly live: WebSocketServer;
}

/** A step that lets only logged-in users through (401 otherwise). */
const loggedIn = (_req: AexRequest, _res: AexResponse, scope: Scope) => {
  if (typeof scope.session.user !== "string") throw new HttpError(401, "Log in first");
};

/** The app's controller classes, made for one set of services. */
export function controllers({ store, session: options, users, notes, live }: Services) {
  class Pages {
    @get("/")
    @session(store, options)
    @template(nunjucks, resolve(home, "views"))
    home(_req: AexRequest, res: AexResponse, scope: Scope) {
      res.render("index", { user: scope.session.user });
    }

    @serve("/assets")
    assets() {
      return resolve(home, "public");
    }
  }

  class Auth {
    @post("/api/login")
    @body("json")
    @filter({
      body: {
        username: { type: "string", required: true, minLength: 2, maxLength: 32 },
        password: { type: "string", required: true, minLength: 4, maxLength: 128 },
      },
    })
    @session(store, options)
    async login(_req: AexRequest, res: AexResponse, scope: Scope) {
      const { username, password } = scope.extracted.body;
      if (!users.login(username, password)) throw new HttpError(401, "Wrong password");
      // A new session id at login: a session fixed before it is worth nothing.
      await scope.session.regenerate();
      scope.session.user = username;
      res.json({ user: username });
    }

    @post("/api/logout")
    @session(store, options)
    async logout(_req: AexRequest, res: AexResponse, scope: Scope) {
      await scope.session.destroy();
      res.json({ user: null });
    }
  }

  class Notes {
    @get("/api/notes")
    @session(store, options)
    @inject(loggedIn)
    @inject(paginate(10))
    list(_req: AexRequest, res: AexResponse, scope: Scope) {
      const { page, limit, offset } = scope.pagination!;
      res.json({ ...notes.list(scope.session.user, offset, limit), page, limit });
    }

    @post("/api/notes")
    @body("json", { limit: "16kb" })
    @filter({
      body: {
        title: { type: "string", required: true, minLength: 1, maxLength: 100 },
        text: { type: "text", maxLength: 2000 },
      },
    })
    @session(store, options)
    @inject(loggedIn)
    add(_req: AexRequest, res: AexResponse, scope: Scope) {
      const { title, text = "" } = scope.extracted.body;
      const note = notes.add(scope.session.user, title, text);
      live.to(roomOf(scope.session.user)).send("note:added", note);
      res.status(201).json(note);
    }

    @del("/api/notes/:id")
    @session(store, options)
    @inject(loggedIn)
    remove(_req: AexRequest, res: AexResponse, scope: Scope) {
      if (!notes.remove(scope.session.user, scope.params.id)) throw new HttpError(404, "No such note");
      live.to(roomOf(scope.session.user)).send("note:removed", { id: scope.params.id });
      res.status(204).end();
    }
  }

  return [Pages, Auth, Notes] as const;
}
