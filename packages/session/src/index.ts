/**
 * Sessions for Aex: `@session()`, the `sessions` plugin, signed cookies and the memory
 * store (Redis: `@aex/session/redis`).
 *
 * @module @aex/session
 */
// Sessions
export { session } from "./session-step";
export { sessions, type SessionPluginOptions, type AppSessions } from "./session-plugin";
export { Session, newSessionId } from "./session";
export type { SessionOptions } from "./options";

// Stores
export { ISessionStore, type Store, type SessionData, type MaybePromise } from "./store";
export { MemoryStore, type MemoryStoreOptions } from "./memory-store";

// Signed values
export { sign, unsign } from "./signature";
