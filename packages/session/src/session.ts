import { randomBytes } from "node:crypto";
import debug from "debug";
import type { AexResponse } from "@aex/core";
import { isSecure } from "@aex/core/plugin";
import type { ResolvedSessionOptions } from "./options";
import { sign } from "./signature";
import type { SessionData, Store } from "./store";

/** 192 random bits, URL-safe. */
export function newSessionId(): string {
  return randomBytes(24).toString("base64url");
}

/** A signed id as `sign` makes it: nothing in it needs encoding in a cookie. */
const SIGNED_ID = /^[\w-]+\.[\w-]+$/;

/**
 * The values of the identity keys, each as its JSON (a live `Date` and the string it was
 * stored as read the same), in one string. Each JSON value is complete in itself and
 * `undefined` is "-", which no JSON value is, so two different sets of values never give
 * the same string.
 */
function identityOf(record: Record<string, unknown>, keys: readonly string[]): string {
  let identity = "";
  for (let i = 0; i < keys.length; i++) identity += `${JSON.stringify(record[keys[i]]) ?? "-"},`;
  return identity;
}
const log = debug("aex:session");

/** The session step's way to save a session (and `touch`'s): not part of the public API. */
export const SAVE: unique symbol = Symbol("aex.session.save");
const TOUCH: unique symbol = Symbol("aex.session.touch");

/** `next()` once `result` settled: at once when it is not a promise (a synchronous store). */
function then(result: unknown, next: () => void | Promise<void>): void | Promise<void> {
  return typeof (result as PromiseLike<unknown> | null)?.then === "function"
    ? Promise.resolve(result).then(next)
    : next();
}

/** What a session needs to save itself; a private field, so it is never serialized. */
interface SessionState {
  id: string;
  /** The id the client's cookie names (null for a new session). */
  cookieId: string | null;
  /**
   * The last signed id: the client's cookie, or the value last sent (null: none yet);
   * `current` when the current secret signed it.
   */
  signed: { readonly id: string; readonly value: string; readonly current: boolean } | null;
  /** JSON of the data as last loaded or saved ("" after `regenerate()`: store whatever it holds). */
  saved: string;
  /** The identity keys' values in `saved`, read from it the first time a change needs them. */
  identity: string | null;
  /** `regenerate()` gave this request's session a new id: no second rotation at the end. */
  renewed: boolean;
  destroyed: boolean;
  readonly store: Store;
  readonly options: ResolvedSessionOptions;
  readonly res: AexResponse;
}

/**
 * `scope.session`: your data as plain properties (`session.user = user`), saved after the
 * handler when it changed. `id`, `save`, `regenerate`, `destroy` and `touch` are reserved
 * names.
 */
export class Session {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- apps decide what a session holds
  [key: string]: any;
  readonly #state: SessionState;

  /** `saved`: the JSON `data` was parsed from, when the store kept it (the memory store's). */
  constructor(
    state: Omit<SessionState, "saved" | "identity" | "destroyed" | "renewed">,
    data: SessionData,
    saved?: string,
  ) {
    // A private field and one literal: no defineProperty, no spread (measured: each costs
    // about a microsecond per request).
    this.#state = {
      id: state.id,
      cookieId: state.cookieId,
      signed: state.signed,
      saved: saved ?? JSON.stringify(data),
      identity: null,
      renewed: false,
      destroyed: false,
      store: state.store,
      options: state.options,
      res: state.res,
    };
    Object.assign(this, data);
  }

  /** The session's id (secret: never show it to other users). */
  get id(): string {
    return this.#state.id;
  }

  /** Saves now if anything changed (the README's fix for "session lags"), and sets the cookie. */
  async save(): Promise<void> {
    await this[SAVE]();
  }

  /**
   * `save()`, synchronous as far as the store is: with a store that answers at once (the
   * memory store) nothing waits, so the response that saves at its end goes out in the
   * same tick.
   */
  [SAVE](): void | Promise<void> {
    const state = this.#state;
    if (state.destroyed) return;
    const json = JSON.stringify(this);
    if (
      json !== state.saved &&
      state.cookieId !== null &&
      state.cookieId === state.id &&
      !state.renewed &&
      this.identityChanged()
    ) {
      // Who the user is changed (login, logout, new role): a new id, same data. Not after a
      // regenerate() in this request: its id is already new, and what was derived from it
      // since (the CSRF token a login response reads) must stay valid.
      return then(state.store.destroy(state.cookieId), () => {
        state.id = newSessionId();
        return this.storeChanged(json);
      });
    }
    return this.storeChanged(json);
  }

  /** Whether an identity key's value differs from the one loaded or last saved (only read when the data changed). */
  private identityChanged(): boolean {
    const state = this.#state;
    const keys = state.options.identityKeys;
    if (keys.length === 0) return false;
    const saved = state.saved;
    state.identity ??= identityOf(saved === "" ? {} : (JSON.parse(saved) as Record<string, unknown>), keys);
    return identityOf(this, keys) !== state.identity;
  }

  /** Stores the data if `json` differs from what was loaded or saved; else keeps it alive. */
  private storeChanged(json: string): void | Promise<void> {
    const state = this.#state;
    const isNew = state.cookieId !== state.id;
    if (json === state.saved && !(isNew && json !== "{}")) {
      // Unchanged: keep it alive if it exists; an empty new session is never stored.
      return isNew ? undefined : this[TOUCH]();
    }
    return then(state.store.set(state.id, JSON.parse(json) as SessionData, state.options.ttl), () => {
      state.saved = json;
      state.identity = null;
      if (isNew || state.options.rolling) this.setCookie(this.signedId(), state.options.ttl);
      state.cookieId = state.id;
    });
  }

  /** Gives the session a new id, keeping its data (do it at login, against fixation). */
  async regenerate(): Promise<void> {
    const state = this.#state;
    if (state.cookieId !== null) await state.store.destroy(state.cookieId);
    state.id = newSessionId();
    state.renewed = true;
    state.saved = "";
    state.identity = null;
    state.destroyed = false;
    await this.save();
  }

  /** Deletes the session from the store and the client (logout). */
  async destroy(): Promise<void> {
    const state = this.#state;
    for (const key of Object.keys(this)) delete this[key];
    state.destroyed = true;
    state.saved = "{}";
    state.identity = null;
    if (state.cookieId !== null) {
      await state.store.destroy(state.cookieId);
      this.setCookie("", 0);
    }
    state.cookieId = null;
  }

  /**
   * Gives a stored session its whole `ttl` again in the store and, with `rolling` (the
   * default), in the cookie's `Max-Age`.
   */
  async touch(): Promise<void> {
    await this[TOUCH]();
  }

  /** `touch()`, synchronous as far as the store is. */
  [TOUCH](): void | Promise<void> {
    const state = this.#state;
    if (state.cookieId === null) return;
    return then(state.store.touch?.(state.id, state.options.ttl), () => {
      // After the head went out (a stream), the cookie keeps its Max-Age; the store's copy lives on.
      if (state.options.rolling && !state.res.headersSent) this.setCookie(this.signedId(), state.options.ttl);
    });
  }

  /**
   * The id signed with the current secret. The client's cookie is exactly that when there
   * is one secret, so a rolling cookie costs no HMAC; after a rotation it is signed anew.
   */
  private signedId(): string {
    const state = this.#state;
    const last = state.signed;
    if (last !== null && last.id === state.id && last.current) return last.value;
    const value = sign(state.id, state.options.secrets);
    state.signed = { id: state.id, value, current: true };
    return value;
  }

  private setCookie(value: string, maxAge: number): void {
    const { res, options } = this.#state;
    if (res.headersSent) {
      // The client will never learn this id: say so rather than lose the session quietly.
      log("cannot set the session cookie: headers already sent (await session.save() before writing)");
      return;
    }
    if (maxAge === options.ttl && SIGNED_ID.test(value) && res.getHeader("set-cookie") === undefined) {
      // The usual line (a signed id, the whole ttl, no other cookie yet): made once, at setup.
      const tail = (options.cookie.secure ?? isSecure(res.req)) ? options.cookieTail.secure : options.cookieTail.plain;
      res.appendHeader("Set-Cookie", `${options.name}=${value}${tail}`);
      return;
    }
    res.cookies.set(options.name, value, {
      ...options.cookie,
      secure: options.cookie.secure ?? isSecure(res.req),
      maxAge,
      expires: maxAge === 0 ? new Date(0) : undefined,
    });
  }
}
