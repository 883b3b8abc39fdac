// One server of the realtime bench, driven by its parent over IPC:
//   node server.mjs <impl: aex|hand> <transport: ws|sse> <port> [redisUrl]   (or bun server.mjs …: WebSockets
//   on Bun.serve; "hand" is then Bun.serve's own WebSockets by hand)
// It serves WebSocket clients on /ws or SSE clients on /sse; with a Redis URL, broadcasts go
// through Redis to every server sharing it. Commands: mem, connections, lag-start, broadcast,
// lag, exit.
import { createServer } from "node:http";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { aexWs, aexWsRedis, core, redis, ws } from "./modules.mjs";

const [impl, transport, portArg, redisUrl] = process.argv.slice(2);
const port = Number(portArg);
const CHANNEL = "bench:realtime";
let counter = 0;
const payload = (n) => ({ n, text: "x".repeat(100) });

/** Returns { connections(), broadcast(n) } after listening on `port`. */
async function aexServer() {
  const { Aex, MemoryReplayStore, RedisReplayStore, sse } = core;
  const aex = new Aex({ logLevel: "silent", handleSignals: false });
  if (transport === "ws") {
    const adapter = redisUrl ? new aexWsRedis.RedisAdapter({ url: redisUrl }, { channel: CHANNEL }) : undefined;
    const hub = new aexWs.WebSocketServer(aex, { path: "/ws", adapter });
    hub.on(aexWs.WebSocketServer.ENTER, () => undefined);
    await aex.start(port, "127.0.0.1");
    await hub.ready;
    return { connections: () => hub.handlers.size, broadcast: (n) => hub.broadcast("tick", payload(n)) };
  }
  let store;
  if (redisUrl) {
    const client = redis.createClient({ url: redisUrl });
    client.on("error", () => undefined);
    store = new RedisReplayStore(client, { size: 100 });
  } else store = new MemoryReplayStore({ size: 100 });
  class Feed {
    feed() {}
  }
  // A legacy decorator call: this file is plain JavaScript.
  sse("/sse", { replay: { store, channel: CHANNEL } })(
    Feed.prototype,
    "feed",
    Object.getOwnPropertyDescriptor(Feed.prototype, "feed"),
  );
  aex.push(Feed);
  await aex.start(port, "127.0.0.1");
  return {
    connections: () => new Promise((resolve) => aex.server.getConnections((_error, count) => resolve(count))),
    broadcast: (n) => void store.publish(CHANNEL, "tick", payload(n)),
  };
}

/** The same by hand on Bun: Bun.serve's own WebSockets, kept in a Set; Redis pub/sub by hand. */
async function handBunServer() {
  const sockets = new Set();
  const deliver = (message) => {
    for (const socket of sockets) socket.send(message);
  };
  globalThis.Bun.serve({
    port,
    hostname: "127.0.0.1",
    fetch: (request, server) => (server.upgrade(request) ? undefined : new Response(null, { status: 404 })),
    websocket: {
      idleTimeout: 0,
      open: (socket) => void sockets.add(socket),
      message: () => undefined,
      close: (socket) => void sockets.delete(socket),
    },
  });
  let publisher = null;
  if (redisUrl) {
    publisher = redis.createClient({ url: redisUrl });
    const subscriber = publisher.duplicate();
    await Promise.all([publisher.connect(), subscriber.connect()]);
    await subscriber.subscribe(CHANNEL, (message) => deliver(message));
  }
  const encode = (n) => JSON.stringify({ event: "tick", data: payload(n) });
  return {
    connections: () => sockets.size,
    broadcast: (n) => (publisher ? void publisher.publish(CHANNEL, encode(n)) : deliver(encode(n))),
  };
}

/** The same by hand: `ws` on node:http, or SSE responses kept in a Set; Redis pub/sub by hand. */
async function handServer() {
  const server = createServer();
  let publisher = null;
  let deliver;
  let connections;
  if (transport === "ws") {
    const wss = new ws.WebSocketServer({ server, path: "/ws" });
    connections = () => wss.clients.size;
    deliver = (message) => {
      for (const client of wss.clients) client.send(message);
    };
  } else {
    const clients = new Set();
    server.on("request", (req, res) => {
      res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
      res.flushHeaders();
      clients.add(res);
      res.on("close", () => clients.delete(res));
    });
    connections = () => clients.size;
    deliver = (frame) => {
      for (const res of clients) res.write(frame);
    };
  }
  const encode = (n) =>
    transport === "ws"
      ? JSON.stringify({ event: "tick", data: payload(n) })
      : `event: tick\nid: ${n}\ndata: ${JSON.stringify(payload(n))}\n\n`;
  if (redisUrl) {
    publisher = redis.createClient({ url: redisUrl });
    const subscriber = publisher.duplicate();
    await Promise.all([publisher.connect(), subscriber.connect()]);
    await subscriber.subscribe(CHANNEL, (message) => deliver(message));
  }
  await new Promise((resolve) => server.listen(port, "127.0.0.1", resolve));
  return {
    connections,
    broadcast: (n) => (publisher ? void publisher.publish(CHANNEL, encode(n)) : deliver(encode(n))),
  };
}

const onBun = globalThis.Bun !== undefined;
if (onBun && transport !== "ws") throw new Error("on Bun the realtime bench measures WebSockets only (--only ws)");
const served = impl === "aex" ? await aexServer() : onBun ? await handBunServer() : await handServer();
// A full collection: node's with --expose-gc, Bun's own.
const gc = () => (onBun ? globalThis.Bun.gc(true) : global.gc?.());
const lag = monitorEventLoopDelay({ resolution: 1 });

process.on("message", (command) => {
  const reply = (value) => process.send({ id: command.id, ...value });
  switch (command.cmd) {
    case "mem": {
      // Full collections, a pause for V8 to give pages back, then the numbers.
      gc();
      return void setTimeout(() => {
        gc();
        const { rss, heapUsed, heapTotal, external, arrayBuffers } = process.memoryUsage();
        reply({ rss, heapUsed, heapTotal, external, arrayBuffers });
      }, 500);
    }
    case "connections":
      return void Promise.resolve(served.connections()).then((connections) => reply({ connections }));
    case "broadcast": {
      const startEpoch = performance.timeOrigin + performance.now();
      const start = process.hrtime.bigint();
      served.broadcast(++counter);
      const end = process.hrtime.bigint();
      return reply({ start: String(start), startEpoch, sendMs: Number(end - start) / 1e6 });
    }
    case "lag-start":
      lag.reset();
      lag.enable();
      return reply({});
    case "lag": {
      lag.disable();
      return reply({ maxMs: lag.max / 1e6, p99Ms: lag.percentile(99) / 1e6, meanMs: lag.mean / 1e6 });
    }
    case "exit":
      process.exit(0);
  }
});
process.send({ ready: true });
