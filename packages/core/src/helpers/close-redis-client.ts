/** What {@link closeRedisClient} needs of a node-redis v4/v5 client. */
export interface ClosableRedisClient {
  /** Whether the client has a working connection. */
  readonly isReady?: boolean;
  /** Whether the client was connected and not closed since (node-redis). */
  readonly isOpen?: boolean;
  /** `PING`; Redis answers it after every command sent before it. */
  ping?(): Promise<unknown>;
  /** Closes after the replies still pending arrive (node-redis 5). */
  close?(): Promise<unknown>;
  /** Closes after the replies still pending arrive (node-redis 4). */
  quit?(): Promise<unknown>;
  /** Closes at once, rejecting pending commands (node-redis 5). */
  destroy?(): void;
  /** Closes at once, rejecting pending commands (node-redis 4). */
  disconnect?(): Promise<unknown>;
}

/**
 * Closes a node-redis client without waiting forever. A graceful close waits for the
 * replies of commands in flight, and a Redis that is down or hung never sends them, so
 * `aex.close()` would hang. The client first sends a PING: answered within `graceMs`,
 * everything before it is answered too and the close is graceful; otherwise, or when the
 * client is not connected, it is destroyed and its pending commands are rejected.
 *
 * @example
 * aex.onClose(() => closeRedisClient(client));
 */
export async function closeRedisClient(client: ClosableRedisClient, graceMs = 1000): Promise<void> {
  // Already closed (by its owner, or by another store it was given to): nothing to do.
  if (client.isOpen === false) return;
  const close = client.close ?? client.quit;
  if (client.isReady !== false && close !== undefined && (await answersWithin(client.ping?.(), graceMs))) {
    await close.call(client);
  } else if (client.destroy) {
    client.destroy();
  } else {
    await client.disconnect?.().catch(() => undefined);
  }
}

async function answersWithin(reply: Promise<unknown> | undefined, ms: number): Promise<boolean> {
  if (reply === undefined) return true;
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => (timer = setTimeout(resolve, ms, false)));
  try {
    return await Promise.race([
      reply.then(
        () => true,
        () => false,
      ),
      late,
    ]);
  } finally {
    clearTimeout(timer);
  }
}
