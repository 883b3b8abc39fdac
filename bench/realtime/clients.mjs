// The clients of the realtime bench, in a process of their own, driven over IPC:
//   node clients.mjs <transport: ws|sse> <count> <url,url,…>
// Opens `count` connections spread over the URLs (from 127.0.0.2…127.0.0.11, so ephemeral
// ports are not exhausted by one address), a few hundred handshakes at a time, and counts
// the messages they receive. Commands: await (resolves once every client has `k` messages).
import { request } from "node:http";
import { ws } from "./modules.mjs";

const [transport, countArg, urlsArg] = process.argv.slice(2);
const count = Number(countArg);
const urls = urlsArg.split(",");
const CONCURRENT = 200;
let received = 0;
let waiting = null;
const sockets = [];

function delivered() {
  received++;
  if (waiting !== null && received >= waiting.target) {
    const done = waiting;
    waiting = null;
    done.resolve(process.hrtime.bigint());
  }
}

function openWs(url, localAddress) {
  return new Promise((resolve, reject) => {
    const socket = new ws.WebSocket(url, { localAddress, perMessageDeflate: false });
    socket.on("message", delivered);
    socket.once("open", () => resolve(socket));
    socket.once("error", reject);
  });
}

function openSse(url, localAddress) {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    const req = request(
      { host: target.hostname, port: target.port, path: target.pathname, localAddress, agent: false },
      (res) => {
        if (res.statusCode !== 200) return reject(new Error(`SSE answered ${res.statusCode}`));
        // Counts events (blocks with data), not comments or the id-only cursor Aex sends first.
        let buffer = "";
        res.setEncoding("utf8");
        res.on("data", (chunk) => {
          buffer += chunk;
          for (let at = buffer.indexOf("\n\n"); at !== -1; at = buffer.indexOf("\n\n")) {
            if (buffer.lastIndexOf("data:", at) !== -1) delivered();
            buffer = buffer.slice(at + 2);
          }
        });
        resolve(req);
      },
    );
    req.on("error", reject);
    req.end();
  });
}

async function openAll() {
  const open = transport === "ws" ? openWs : openSse;
  const path = transport === "ws" ? "/ws" : "/sse";
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      const url = urls[i % urls.length].replace(/^http/, transport === "ws" ? "ws" : "http") + path;
      sockets.push(await open(url, `127.0.0.${2 + (i % 10)}`));
    }
  };
  const start = process.hrtime.bigint();
  await Promise.all(Array.from({ length: CONCURRENT }, worker));
  return Number(process.hrtime.bigint() - start) / 1e6;
}

const openMs = await openAll();
process.send({ opened: sockets.length, openMs });
process.on("message", (command) => {
  if (command.cmd === "await") {
    new Promise((resolve) => {
      if (received >= count * command.k) resolve(process.hrtime.bigint());
      else waiting = { target: count * command.k, resolve };
    }).then((at) =>
      // `atEpoch` (ms since the epoch) for a server on Bun, whose hrtime counts from elsewhere.
      process.send({ id: command.id, at: String(at), atEpoch: performance.timeOrigin + performance.now(), received }),
    );
  } else if (command.cmd === "exit") process.exit(0);
});
