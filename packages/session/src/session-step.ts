import { decoratorStep, type DecoratorStep, type ScopeBag } from "@aex/core";
import { MemoryStore } from "./memory-store";
import { resolveSessionOptions, type SessionOptions } from "./options";
import { newSessionId, Session } from "./session";
import { unsign } from "./signature";
import type { Store } from "./store";

/** The default store of each app (keyed by its shared `scope.outer`), made on first use. */
const defaultStores = new WeakMap<ScopeBag, MemoryStore>();

function defaultStore(app: ScopeBag): MemoryStore {
  let store = defaultStores.get(app);
  if (store === undefined) defaultStores.set(app, (store = new MemoryStore()));
  return store;
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
    const raw = req.cookies.get(settings.name);
    const cookieId = raw === undefined ? null : unsign(raw, settings.secrets);
    const data = cookieId === null ? undefined : await sessions.get(cookieId);
    const current =
      data === undefined || cookieId === null
        ? new Session({ id: newSessionId(), cookieId: null, store: sessions, options: settings, res }, {})
        : new Session({ id: cookieId, cookieId, store: sessions, options: settings, res }, data);
    scope.provide("session", current);
    res.beforeEnd(() => current.save());
  });
}
