import { decoratorStep, type AexRequest, type DecoratorStep, type Scope, type ScopeBag } from "@aex/core";
import { MemoryStore } from "./memory-store";
import { resolveSessionOptions, type ResolvedSessionOptions, type SessionOptions } from "./options";
import { newSessionId, Session } from "./session";
import { unsign } from "./signature";
import type { SessionData, Store } from "./store";

/** The default store of each app (keyed by its shared `scope.outer`), made on first use. */
const defaultStores = new WeakMap<ScopeBag, MemoryStore>();

function defaultStore(app: ScopeBag): MemoryStore {
  let store = defaultStores.get(app);
  if (store === undefined) defaultStores.set(app, (store = new MemoryStore()));
  return store;
}

/** The id the request's cookie names (if its signature holds) and that session's data. */
async function load(
  req: AexRequest,
  store: Store,
  settings: ResolvedSessionOptions,
): Promise<{ id: string; data: SessionData } | null> {
  const raw = req.cookies.get(settings.name);
  const id = raw === undefined ? null : unsign(raw, settings.secrets);
  const data = id === null ? undefined : await store.get(id);
  return id === null || data === undefined ? null : { id, data };
}

/**
 * The data of the request's session, read-only, or undefined: for places without a
 * response to save it with, such as a WebSocket handshake middleware. Pass the same
 * store and options as your `@session`.
 *
 * @example
 * ws.use(async (req, socket, scope) => {
 *   const data = await readSession(req, scope, store, { secret });
 *   if (!data?.user) throw new HttpError(401, "Log in first");
 *   scope.inner.user = data.user;
 * });
 */
export async function readSession(
  req: AexRequest,
  scope: Scope,
  store?: Store,
  options: SessionOptions = {},
): Promise<SessionData | undefined> {
  return (await load(req, store ?? defaultStore(scope.outer), resolveSessionOptions(options)))?.data;
}

/**
 * Loads the session named by the request's signed cookie into `scope.session`, and saves
 * it (setting the cookie) when the response ends, if it changed. A missing, forged or
 * expired cookie gives an empty session with a new id. Without a store, the app's own
 * {@link MemoryStore} is used. Works as a decorator (`@session()`) and as a step
 * (`aex.use(session(store))`).
 *
 * @example
 * const store = new RedisStore({ url: process.env.REDIS_URL });
 * class Session {
 *   @post("/user/login")
 *   @body()
 *   @session(store)
 *   async login(req, res, scope) {
 *     await scope.session.regenerate();
 *     scope.session.user = scope.body.user;
 *     res.end("ok");
 *   }
 * }
 */
export function session(store?: Store, options: SessionOptions = {}): DecoratorStep {
  const settings = resolveSessionOptions(options);
  return decoratorStep("session", async (req, res, scope) => {
    const sessions = store ?? defaultStore(scope.outer);
    const found = await load(req, sessions, settings);
    const current =
      found === null
        ? new Session({ id: newSessionId(), cookieId: null, store: sessions, options: settings, res }, {})
        : new Session({ id: found.id, cookieId: found.id, store: sessions, options: settings, res }, found.data);
    scope.provide("session", current);
    res.beforeEnd(() => current.save());
  });
}
