import { Scope, type AexResponse } from "@aex/core";
import { addDependency, decoratorStep, isDependency, isPromise, type DecoratorStep } from "@aex/core/plugin";
// The `csrfStore` slot a session fills is declared by core's csrf().
import type {} from "@aex/core/csrf";
import { MEMORY_GET, MemoryStore, STORED_JSON } from "./memory-store";
import { checkSecret, resolveSessionOptions, type SessionOptions } from "./options";
import { newSessionId, SAVE, Session } from "./session";
import { appSessions } from "./session-plugin";
import { verify } from "./signature";
import type { SessionData, Store } from "./store";

/** How many verified cookies a session step remembers. */
const VERIFIED_MAX = 4096;

/**
 * Cookies lately seen with a valid signature of the current secret, and the id each names:
 * a returning client's cookie costs a Map lookup, not an HMAC. Only exact strings that
 * passed the check are kept, so a forged cookie is always checked; bounded, oldest out first.
 */
class VerifiedCookies {
  private readonly ids = new Map<string, NamedId>();

  constructor(private readonly secrets: readonly string[]) {}

  /** The id `cookie` names if a secret signed it, and whether that was the current secret. */
  idOf(cookie: string): NamedId | null {
    const known = this.ids.get(cookie);
    if (known !== undefined) return known;
    const verified = verify(cookie, this.secrets);
    if (verified === null) return null;
    const named = { id: verified.value, current: verified.secret === 0 };
    if (named.current) {
      if (this.ids.size >= VERIFIED_MAX) this.ids.delete(this.ids.keys().next().value as string);
      this.ids.set(cookie, named);
    }
    return named;
  }
}

/** The id a verified cookie names, and whether the current secret signed it. */
interface NamedId {
  readonly id: string;
  readonly current: boolean;
}

/**
 * Loads the session named by the request's signed cookie into `scope.session`, and saves
 * it (setting the cookie) when the response ends, if it changed. A missing, forged or
 * expired cookie gives an empty session with a new id. Without arguments it uses the
 * store and options the app registered (`aex.register(sessions, …)`), else the app's own
 * {@link MemoryStore}. Works as a decorator (`@session()`), as a step
 * (`aex.use(session())`), and on `@ws` routes (the session is read on the upgrade).
 *
 * In production (`NODE_ENV=production`) a missing secret (neither `secret` nor
 * `AEX_SESSION_SECRET`) is a startup error, `AEX_ERR_SESSION_SECRET_MISSING`: at this
 * call when `options` are given, else at `prepare()` (the app's plugin may give it).
 *
 * @example
 * const store = new RedisStore({ url: process.env.REDIS_URL });
 * class Account {
 *   @post("/user/login")
 *   @body()
 *   @session(store)
 *   async login(req: AexRequest, res: AexResponse, scope: Scope) {
 *     await scope.session.regenerate();
 *     scope.session.user = scope.body.user;
 *     res.end("ok");
 *   }
 * }
 */
export function session(store?: Store, options?: SessionOptions): DecoratorStep {
  if (options !== undefined) checkSecret(options.secret);
  return decoratorStep("session", {
    build(app) {
      // `scope.session` reads the slot this step fills (defined once, at prepare(), not at import).
      Scope.defineSlot("session");
      const defaults = appSessions(app);
      const sessions = store ?? defaults.store;
      // A Redis store: aex.start() waits for its first connection, readiness reports it.
      if (app !== undefined && isDependency(sessions)) addDependency(app, "session store", sessions);
      const settings = resolveSessionOptions(options ?? defaults.options, defaults.fallbackSecret);
      const verified = new VerifiedCookies(settings.secrets);
      // A memory store's own JSON: the session compares with it at the end.
      const memory = sessions instanceof MemoryStore ? sessions : null;
      /** Puts the session in the scope: the stored `data` of the cookie's id, else a new one. */
      const open = (
        named: NamedId | null,
        raw: string | undefined,
        data: SessionData | undefined,
        res: AexResponse,
        scope: Scope,
        saved?: string,
      ): void => {
        const current =
          named === null || data === undefined
            ? new Session(
                { id: newSessionId(), cookieId: null, signed: null, store: sessions, options: settings, res },
                {},
              )
            : new Session(
                {
                  id: named.id,
                  cookieId: named.id,
                  signed: { id: named.id, value: raw as string, current: named.current },
                  store: sessions,
                  options: settings,
                  res,
                },
                data,
                saved,
              );
        scope.provide("session", current);
        // csrf() after this step keeps its token's secret in the session, bound to its id.
        scope.provide("csrfStore", current);
        res.beforeEnd(() => current[SAVE]());
      };
      // A store that answers at once (the memory store) keeps the step, and so the line,
      // synchronous: no promise and no turn of the event loop per request.
      return (req, res, scope) => {
        const raw = req.cookies.get(settings.name);
        const named = raw === undefined ? null : verified.idOf(raw);
        if (named === null) return open(null, raw, undefined, res, scope);
        // Checked per request: a spy or a wrapper put on `get` after start-up is still asked.
        if (memory !== null && memory.get === MEMORY_GET) {
          const json = memory[STORED_JSON](named.id);
          return open(named, raw, json === undefined ? undefined : (JSON.parse(json) as SessionData), res, scope, json);
        }
        const data = sessions.get(named.id);
        if (!isPromise(data)) return open(named, raw, data, res, scope);
        return Promise.resolve(data as PromiseLike<SessionData | undefined>).then((found) =>
          open(named, raw, found, res, scope),
        );
      };
    },
  });
}
