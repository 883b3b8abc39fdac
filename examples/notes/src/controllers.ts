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
import { csrf } from "@aex/core/csrf";
import { rateLimit } from "@aex/core/rate-limit";
import { sends } from "@aex/asyncapi";
import { returns, summary } from "@aex/openapi";
import { session } from "@aex/session";
import { template } from "@aex/template";
import { nunjucks } from "@aex/template/nunjucks";
import { ws, type WebSocketHandler, type WebSocketServer } from "@aex/ws";
import { dbOf } from "./database/plugin";
import { addNote, listNotes, removeNote } from "./notes-store";
import { logIn } from "./users";

/** The folder holding `views/` and `public/` (next to `src/` and `dist/`). */
const home = resolve(__dirname, "..");

/** A note as the API answers it (notes-store.ts's `Note`): the schema of `@returns`, so of the client's types. */
const NOTE = {
  title: "Note",
  type: "object",
  required: ["id", "title", "text", "createdAt"],
  properties: {
    id: { type: "string" },
    title: { type: "string" },
    text: { type: "string" },
    createdAt: { type: "string", format: "date-time" },
  },
  additionalProperties: false,
} as const;

/** A removed note, as the live socket says it. */
const NOTE_ID = {
  type: "object",
  required: ["id"],
  properties: { id: { type: "string" } },
  additionalProperties: false,
} as const;

/** Who is logged in after a login (a name) or a logout (`null`). */
const USER = (user: object) => ({
  type: "object",
  required: ["user"],
  properties: { user },
  additionalProperties: false,
});

/** The room of a user's connections: every browser where they are logged in. */
export const roomOf = (user: string) => `user:${user}`;

/**
 * What the controllers share. The session store and the database are the app's, registered
 * as plugins: handlers reach the database through `scope.orm` (`dbOf(scope)`).
 */
export interface Services {
  readonly live: WebSocketServer;
}

/** The one login check: HTTP routes and the live socket alike (401 otherwise, before any upgrade). */
const loggedIn = (_req: AexRequest, _res: AexResponse, scope: Scope) => {
  if (typeof scope.session.user !== "string") throw new HttpError(401, "Log in first");
};

/** The app's controller classes, made for one set of services. */
export function controllers({ live }: Services) {
  /**
   * CSRF: every unsafe request must come from the app's own page, with the token the page got
   * (`X-CSRF-Token`, kept in the session). After `@session()` on each route.
   */
  const csrfToken = csrf();

  /**
   * Password guessing: 5 logins a minute per account name, whoever tries. Made with the
   * controllers, so two apps in one process never share counts.
   */
  const loginLimit = rateLimit({
    limit: 5,
    windowMs: 60_000,
    name: "login",
    by: (_req, scope) => `name:${String(scope.extracted.body?.username).toLowerCase()}`,
  });

  class Pages {
    @get("/")
    @session()
    @csrfToken
    @template(nunjucks, resolve(home, "views"))
    home(_req: AexRequest, res: AexResponse, scope: Scope) {
      // The page's script carries the response's CSP nonce (`nonce` in the template).
      res.render("index", { user: scope.session.user, csrfToken: scope.csrfToken });
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
    @loginLimit
    @session()
    @csrfToken
    @returns(200, USER({ type: "string" }), "Logged in")
    @returns(401, undefined, "Wrong password")
    async login(_req: AexRequest, res: AexResponse, scope: Scope) {
      const { username, password } = scope.extracted.body;
      if (!(await logIn(dbOf(scope), username, password))) throw new HttpError(401, "Wrong password");
      // A new session id at login: a session fixed before it is worth nothing.
      await scope.session.regenerate();
      scope.session.user = username;
      res.json({ user: username });
    }

    @post("/api/logout")
    @session()
    @csrfToken
    @returns(200, USER({ type: "null" }), "Logged out")
    async logout(_req: AexRequest, res: AexResponse, scope: Scope) {
      await scope.session.destroy();
      res.json({ user: null });
    }
  }

  class Notes {
    /** Live updates: each logged-in browser joins its user's room. */
    @ws("/live")
    @summary(
      "Live updates of the user's notes",
      "Open it with the session cookie of a logged-in user (POST /api/login): without one the upgrade is refused with 401. Every browser where the user is logged in gets the same events.",
    )
    @sends("hello", USER({ type: "string" }), "Sent once the connection is open: whose notes it follows")
    @sends("note:added", NOTE, "A note the user added, in any of their browsers")
    @sends("note:removed", NOTE_ID, "A note the user removed, by its id")
    @session()
    @inject(loggedIn)
    connect(handler: WebSocketHandler, scope: Scope) {
      handler.join(roomOf(scope.session.user));
      handler.send("hello", { user: scope.session.user });
    }

    @get("/api/notes")
    @session()
    @inject(loggedIn)
    @inject(paginate(10))
    @returns(
      200,
      {
        type: "object",
        required: ["notes", "total", "page", "limit"],
        properties: {
          notes: { type: "array", items: NOTE },
          total: { type: "integer" },
          page: { type: "integer" },
          limit: { type: "integer" },
        },
        additionalProperties: false,
      },
      "A page of the user's notes, newest first, and how many they have",
    )
    @returns(401, undefined, "Not logged in")
    async list(_req: AexRequest, res: AexResponse, scope: Scope) {
      const { page, limit, offset } = scope.pagination!;
      res.json({ ...(await listNotes(dbOf(scope), scope.session.user, offset, limit)), page, limit });
    }

    @post("/api/notes")
    @body("json", { limit: "16kb" })
    @filter({
      body: {
        title: { type: "string", required: true, minLength: 1, maxLength: 100 },
        text: { type: "text", maxLength: 2000 },
      },
    })
    @session()
    @csrfToken
    @inject(loggedIn)
    @returns(201, NOTE, "The new note")
    @returns(401, undefined, "Not logged in")
    async add(_req: AexRequest, res: AexResponse, scope: Scope) {
      const { title, text = "" } = scope.extracted.body;
      const note = await addNote(dbOf(scope), scope.session.user, title, text);
      live.to(roomOf(scope.session.user)).send("note:added", note);
      res.status(201).json(note);
    }

    @del("/api/notes/:id")
    @session()
    @csrfToken
    @inject(loggedIn)
    @returns(204, undefined, "Deleted")
    @returns(401, undefined, "Not logged in")
    @returns(404, undefined, "No such note")
    async remove(_req: AexRequest, res: AexResponse, scope: Scope) {
      const removed = await removeNote(dbOf(scope), scope.session.user, scope.params.id);
      if (!removed) throw new HttpError(404, "No such note");
      live.to(roomOf(scope.session.user)).send("note:removed", { id: scope.params.id });
      res.status(204).end();
    }
  }

  return [Pages, Auth, Notes] as const;
}
