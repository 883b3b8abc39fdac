import type { AexPlugin, Aex } from "@aex/core";
import { MemoryStore } from "./memory-store";
import { checkSecret, randomSecret, type SessionOptions } from "./options";
import type { Session } from "./session";
import type { Store } from "./store";

declare module "@aex/core" {
  interface ScopeSlots {
    /** The request's session, once `@session()` loaded it. */
    session: Session;
  }
  interface Scope {
    /** The session (`@session()` from `@aex/session`); undefined on routes without it. */
    readonly session: Session;
  }
}

/** Options of the {@link sessions} plugin: the app's store and its session options. */
export interface SessionPluginOptions extends SessionOptions {
  /** Where sessions live. Default: a {@link MemoryStore} of this app. */
  store?: Store;
}

/** What `@session()` without arguments uses on an app. */
export interface AppSessions {
  /** The app's session store (memory unless the plugin was given one). */
  readonly store: Store;
  /** The app's session options (cookie, secret, lifetime…). */
  readonly options: SessionOptions;
  /** The random secret standing in when none is set; one per app. */
  readonly fallbackSecret: () => string;
}

function appSessionsFrom(options: SessionPluginOptions = {}): AppSessions {
  const { store = new MemoryStore(), ...sessionOptions } = options;
  let secret: string | undefined;
  return { store, options: sessionOptions, fallbackSecret: () => (secret ??= randomSecret()) };
}

/**
 * The session plugin: gives the app its store and options, which every `@session()`
 * without arguments then uses. Without it, an app gets its own {@link MemoryStore}.
 * In production (`NODE_ENV=production`) registering it without a secret (option or
 * `AEX_SESSION_SECRET`) throws `AEX_ERR_SESSION_SECRET_MISSING`.
 *
 * @example
 * const aex = new Aex().register(sessions, { store: new RedisStore({ url }), secret });
 * class Me {
 *   @get("/me")
 *   @session()
 *   me(req: AexRequest, res: AexResponse, scope: Scope) { res.json({ user: scope.session.user }); }
 * }
 */
export const sessions: AexPlugin<SessionPluginOptions> = {
  name: "@aex/session",
  setup(app, options) {
    checkSecret(options?.secret);
    app.state(sessions, () => appSessionsFrom(options));
  },
};

/** The sessions of `app`: the registered ones, or the app's own defaults. */
export function appSessions(app: Aex | undefined): AppSessions {
  return app === undefined ? appSessionsFrom() : app.state(sessions, () => appSessionsFrom());
}
