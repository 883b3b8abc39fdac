import { HttpError, type Aex } from "@aex/core";
import { readSession, type SessionOptions, type Store } from "@aex/session";
import { WebSocketServer } from "@aex/ws";
import { RedisAdapter } from "@aex/ws/redis";

/** The room of a user's connections: every browser where they are logged in. */
export const roomOf = (user: string) => `user:${user}`;

/**
 * Live updates over WebSocket at `/live`: only logged-in users may connect (their
 * session cookie is checked during the handshake); each joins its own room.
 */
export function createLive(aex: Aex, store: Store, session: SessionOptions, redisUrl?: string): WebSocketServer {
  const live = new WebSocketServer(aex, {
    path: "/live",
    adapter: redisUrl ? new RedisAdapter({ url: redisUrl }) : undefined,
  });
  live.use(async (req, _socket, scope) => {
    const data = await readSession(req, scope, store, session);
    if (typeof data?.user !== "string") throw new HttpError(401, "Log in first");
    scope.inner.user = data.user;
  });
  live.on(WebSocketServer.ENTER, (handler) => {
    handler.join(roomOf(handler.scope.inner.user));
    handler.send("hello", { user: handler.scope.inner.user });
  });
  return live;
}
