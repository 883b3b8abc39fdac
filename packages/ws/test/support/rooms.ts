import { Aex, type MemoryReplayStore, type ReplayStore } from "@aex/core";
import { WebSocketServer } from "@aex/ws";

/**
 * An app whose clients follow `room:<room>` with `{ event: "join", data: { room, lastEventId } }`
 * (as sent) and leave with `{ event: "leave", data: room }`; `hub` is its WebSocket server.
 */
export async function roomsApp(
  store: ReplayStore,
  maxFollows?: number,
): Promise<{ aex: Aex; url: string; hub: WebSocketServer }> {
  const aex = new Aex();
  await aex.start(0, "127.0.0.1");
  const hub = new WebSocketServer(aex, { heartbeat: 0, maxPayload: 16 * 1024 * 1024, maxFollows });
  hub.on(WebSocketServer.ENTER, (handler) => {
    handler.on("join", async ({ room, lastEventId }: { room: string; lastEventId?: string }) => {
      const { head } = await handler.follow(store, `room:${room}`, { lastEventId });
      handler.send("joined", { room, head });
    });
    handler.on("leave", (room: string) => {
      handler.unfollow(`room:${room}`);
      handler.send("left", room);
    });
  });
  return { aex, url: `ws://127.0.0.1:${aex.port}/`, hub };
}

/**
 * `inner`, whose reads for a client (those with a lastEventId; a feed's own read of the head has
 * none) wait until `open()`: follows stay under way for as long as a test needs.
 * `reading(n)` resolves once `n` reads are waiting.
 */
export function gatedStore(inner: MemoryReplayStore): {
  store: ReplayStore;
  reading(n: number): Promise<void>;
  open(): void;
} {
  let open!: () => void;
  const gate = new Promise<void>((resolve) => (open = resolve));
  let waiting = 0;
  const watchers: (() => void)[] = [];
  const store: ReplayStore = Object.assign(Object.create(inner) as ReplayStore, {
    read: async (channel: string, lastEventId: string | undefined) => {
      if (lastEventId === undefined) return inner.read(channel, lastEventId);
      waiting++;
      watchers.splice(0).forEach((wake) => wake());
      await gate;
      return inner.read(channel, lastEventId);
    },
  });
  const reading = async (n: number): Promise<void> => {
    while (waiting < n) await new Promise<void>((resolve) => watchers.push(resolve));
  };
  return { store, reading, open };
}

/** The memory store's logs, as a count (what a hostile client could grow). */
export function logsOf(store: MemoryReplayStore): number {
  return (store as unknown as { logs: Map<string, unknown> }).logs.size;
}

/** Waits until `done()` holds, checking each turn of the event loop, for at most `ms`. */
export async function until(done: () => boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`not done within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
