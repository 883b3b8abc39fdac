/** What a session holds: whatever JSON-safe data the app puts in it. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- apps decide what a session holds
export type SessionData = Record<string, any>;

/** A value or a promise of it: stores may be synchronous or not. */
export type MaybePromise<T> = T | Promise<T>;

/**
 * Where sessions live. Write your own by implementing this (or extending
 * {@link ISessionStore}); one store object must serve every request.
 */
export interface Store {
  /** The session `id`, or undefined if unknown or expired. */
  get(id: string): MaybePromise<SessionData | undefined>;
  /** Saves session `id` for `ttl` seconds (the store's default when omitted). */
  set(id: string, value: SessionData, ttl?: number): MaybePromise<void>;
  /** Forgets session `id`. */
  destroy(id: string): MaybePromise<void>;
  /** Extends session `id`'s life without rewriting it. */
  touch?(id: string, ttl?: number): MaybePromise<void>;
}

/**
 * The AEX README's abstract store class; extend it to write a store.
 *
 * @example
 * class MapStore extends ISessionStore {
 *   private map = new Map<string, SessionData>();
 *   get(id: string) { return this.map.get(id); }
 *   set(id: string, value: SessionData) { this.map.set(id, value); }
 *   destroy(id: string) { this.map.delete(id); }
 * }
 */
export abstract class ISessionStore implements Store {
  abstract get(id: string): MaybePromise<SessionData | undefined>;
  abstract set(id: string, value: SessionData, ttl?: number): MaybePromise<void>;
  abstract destroy(id: string): MaybePromise<void>;
}
