// @decorator-modes both: WebSockets on either server: node:http with the `ws` package, or on
// Bun, Bun.serve's own WebSockets (issue 27). Each test speaks raw WebSocket frames over TCP, so
// the same client runs on both runtimes and can do what a hostile or stalled peer does.
import { connect } from "node:net";
import { Aex, AexBunServer, type AexRequest, type AexResponse, type Scope } from "@aex/core";
import { ws, WebSocketServer, type WebSocketHandler } from "@aex/ws";
import { lineWhere, memoryLogger } from "../../core/test/support/log-lines";
import { selfSignedCertificate } from "../../core/test/support/tls";
import { RawClient } from "./support/raw-client";

const onBun = typeof (globalThis as { Bun?: unknown }).Bun !== "undefined";
const TEXT = 1;
const CLOSE = 8;
const PING = 9;
const PONG = 10;

/** The close code of a close frame. */
const closeCode = (frame: { payload: Buffer } | null) => frame?.payload.readUInt16BE(0);
/** A `{ event, data }` text frame's message. */
const message = (frame: { payload: Buffer } | null) => JSON.parse(String(frame?.payload));

class Echo {
  @ws("/echo/:room")
  join(handler: WebSocketHandler, scope: Scope) {
    handler.on("say", (text) => handler.send("said", { room: scope.params.room, text }));
  }
}

describe("WebSockets on the app's own server (Bun.serve on Bun, node:http on node)", () => {
  let aex: Aex;
  let port: number;
  beforeAll(async () => {
    aex = new Aex().use((_req: AexRequest, res: AexResponse) => void res.setHeader("x-line", "walked"));
    aex.push(Echo);
    await aex.start(0, "127.0.0.1");
    port = aex.port as number;
  });
  afterAll(() => aex.close());

  it("serves @ws routes with the runtime's own server: Bun.serve on Bun, no node:http fallback", () => {
    expect(aex.server instanceof AexBunServer).toBe(onBun);
  });

  it("answers the handshake 101 with the headers the line set (a step's own, the request id)", async () => {
    const client = await RawClient.open(port, "/echo/7");
    expect(client.status).toBe(101);
    expect(client.header("upgrade")?.toLowerCase()).toBe("websocket");
    expect(client.header("sec-websocket-accept")).toMatch(/^[+/0-9A-Za-z]{27}=$/);
    expect(client.header("x-line")).toBe("walked");
    expect(client.header("x-request-id")).toMatch(/^\w+-\w+$/);
    client.sendFrame(TEXT, JSON.stringify({ event: "say", data: "hi" }));
    expect(message(await client.next(TEXT))).toEqual({ event: "said", data: { room: "7", text: "hi" } });
    client.sendFrame(CLOSE, Buffer.from([0x03, 0xe8]));
    expect(closeCode(await client.next(CLOSE))).toBe(1000);
  });

  it.each([
    ["no Sec-WebSocket-Key", { "sec-websocket-key": "" }, "Sec-WebSocket-Key is missing or not 16 bytes in base64"],
    ["a key that is not 16 bytes", { "sec-websocket-key": "c2hvcnQ=" }, "Sec-WebSocket-Key is missing"],
    ["Sec-WebSocket-Version 8", { "sec-websocket-version": "8" }, "Sec-WebSocket-Version must be 13"],
    ["Upgrade: h2c", { upgrade: "h2c" }, "Upgrade must be websocket"],
  ])(
    "answers a handshake with %s 400 AEX_WS_HANDSHAKE, upgrades nothing, and keeps serving",
    async (_, headers, says) => {
      const refused = await RawClient.open(port, "/echo/7", headers);
      expect(refused.status).toBe(400);
      expect(refused.header("sec-websocket-version")).toBe("13");
      expect(refused.header("content-type")).toMatch(/^application\/problem\+json/);
      await refused.gone();
      const accepted = await RawClient.open(port, "/echo/7");
      expect(accepted.status).toBe(101);
      accepted.socket.destroy();
      expect(JSON.parse(refused.body.toString())).toMatchObject({
        status: 400,
        code: "AEX_WS_HANDSHAKE",
        detail: expect.stringContaining(says),
      });
    },
  );
});

describe("bad frames, answered alike by both servers", () => {
  let aex: Aex;
  let port: number;
  beforeAll(async () => {
    aex = new Aex();
    await aex.start(0, "127.0.0.1");
    port = aex.port as number;
    const hub = new WebSocketServer(aex, { path: "/frames", heartbeat: 0 });
    hub.on(WebSocketServer.ENTER, (handler) => handler.on("echo", (data) => handler.send("echo", data)));
  });
  afterAll(() => aex.close());

  it.each([
    ["text that is not UTF-8", (c: RawClient) => c.sendFrame(TEXT, Buffer.from([0xff, 0xfe, 0xfd])), 1007],
    ["an unmasked frame", (c: RawClient) => c.socket.write(Buffer.from([0x81, 0x02, 0x7b, 0x7d])), 1002],
    ["a reserved opcode", (c: RawClient) => c.sendFrame(3, "x"), 1002],
  ])("closes on %s with %i, and keeps serving", async (_what, send, code) => {
    const bad = await RawClient.open(port, "/frames");
    send(bad);
    expect(closeCode(await bad.next(CLOSE))).toBe(code);
    const good = await RawClient.open(port, "/frames");
    good.sendFrame(TEXT, JSON.stringify({ event: "echo", data: 1 }));
    expect(message(await good.next(TEXT))).toEqual({ event: "echo", data: 1 });
    good.socket.destroy();
  });

  it("answers a binary frame with an AEX_WS_BINARY error event, a ping with its pong, a close with 1000", async () => {
    const client = await RawClient.open(port, "/frames");
    client.sendFrame(2, Buffer.from([1, 2]));
    expect(message(await client.next(TEXT))).toEqual({
      event: "error",
      data: { code: "AEX_WS_BINARY", message: "binary messages are not supported" },
    });
    client.sendFrame(PING, "hi");
    expect(String((await client.next(PONG))?.payload)).toBe("hi");
    client.sendFrame(CLOSE, Buffer.from([0x03, 0xe8]));
    expect(closeCode(await client.next(CLOSE))).toBe(1000);
    await client.gone();
  });
});

describe("the upgrade request, kept for the connection's life", () => {
  it("regression: gives the client's address to ws.use, ENTER and later events (on Bun it was empty once upgraded)", async () => {
    const aex = new Aex();
    await aex.start(0, "127.0.0.1");
    const hub = new WebSocketServer(aex, { path: "/ip", heartbeat: 0 });
    const seen: unknown[] = [];
    hub.use((req) => void seen.push(req.ip));
    hub.on(WebSocketServer.ENTER, (handler) => {
      seen.push(handler.req.ip, handler.req.socket?.remoteAddress);
      handler.on("ip", () => handler.send("ip", handler.req.ip));
    });
    try {
      const client = await RawClient.open(aex.port as number, "/ip");
      client.sendFrame(TEXT, JSON.stringify({ event: "ip" }));
      expect(message(await client.next(TEXT))).toEqual({ event: "ip", data: "127.0.0.1" });
      expect(seen).toEqual(["127.0.0.1", "127.0.0.1", "127.0.0.1"]);
      client.socket.destroy();
    } finally {
      await aex.close();
    }
  });
});

describe("the request log of upgrades", () => {
  it("regression: logs an accepted upgrade as a 101 on both servers (node:http logged none) and a refused one with its status", async () => {
    const { logger, lines } = memoryLogger();
    const aex = new Aex({ logger, logRequests: true });
    await aex.start(0, "127.0.0.1");
    const hub = new WebSocketServer(aex, { path: "/logged", heartbeat: 0 });
    hub.on(WebSocketServer.ENTER, (handler) => handler.send("hello"));
    try {
      const client = await RawClient.open(aex.port as number, "/logged");
      expect(client.status).toBe(101);
      const accepted = await lineWhere(lines, (l) => l.msg === "request");
      expect(accepted).toMatchObject({ method: "GET", status: 101 });
      expect(accepted.aborted).toBeUndefined();
      // The connection is untouched by its answer's end: it still gets messages.
      expect(message(await client.next(TEXT))).toEqual({ event: "hello" });
      const refused = await RawClient.open(aex.port as number, "/logged", { "sec-websocket-version": "8" });
      expect(refused.status).toBe(400);
      const line = await lineWhere(lines, (l) => l.msg === "request" && l !== accepted);
      expect(line).toMatchObject({ method: "GET", status: 400 });
      client.socket.destroy();
    } finally {
      await aex.close();
    }
  });
});

describe("clients that leave during the handshake", () => {
  it("leave no connection behind while a slow step runs, and the server keeps serving", async () => {
    let stepsDone = 0;
    let allDone!: () => void;
    const twentyDone = new Promise<void>((resolve) => (allDone = resolve));
    const aex = new Aex().use(async () => {
      await new Promise<void>((resolve) => setTimeout(resolve, 150));
      if (++stepsDone === 20) allDone();
    });
    await aex.start(0, "127.0.0.1");
    const hub = new WebSocketServer(aex, { path: "/slow", heartbeat: 0 });
    let entered = 0;
    hub.on(WebSocketServer.ENTER, () => void entered++);
    const port = aex.port as number;
    try {
      const handshake =
        "GET /slow HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
      await Promise.all(
        Array.from(
          { length: 20 },
          () =>
            new Promise<void>((resolve) => {
              const socket = connect(port, "127.0.0.1", () => {
                socket.write(handshake);
                setTimeout(() => socket.destroy(), 20);
              });
              socket.on("error", () => undefined);
              socket.on("close", () => resolve());
            }),
        ),
      );
      // Past the slow step of every one of them (the upgrade, refused or not, follows it at once).
      await twentyDone;
      await new Promise((resolve) => setImmediate(resolve));
      expect(hub.handlers.size).toBe(0);
      const client = await RawClient.open(port, "/slow");
      expect(client.status).toBe(101);
      expect(entered).toBe(1);
      client.socket.destroy();
      await client.gone();
      for (let i = 0; i < 20 && hub.handlers.size > 0; i++) await new Promise((resolve) => setTimeout(resolve, 25));
      expect(hub.handlers.size).toBe(0);
    } finally {
      await aex.close();
    }
  });
});

describe("a WebSocketServer made before start()", () => {
  it("regression: leaves the app on the runtime's own server (on Bun it made the app serve with node:http)", async () => {
    const aex = new Aex();
    const early = new WebSocketServer(aex, { path: "/early" });
    early.on(WebSocketServer.ENTER, (handler) => handler.send("hello", "early"));
    await aex.start(0, "127.0.0.1");
    try {
      expect(aex.server instanceof AexBunServer).toBe(onBun);
      const client = await RawClient.open(aex.port as number, "/early");
      expect(client.status).toBe(101);
      expect(message(await client.next(TEXT))).toEqual({ event: "hello", data: "early" });
      client.socket.destroy();
    } finally {
      await aex.close();
    }
  });
});

describe("WebSockets over TLS (wss:)", () => {
  it("upgrades on the HTTPS server start({ tls }) makes: Bun.serve's own on Bun", async () => {
    const { key, cert } = selfSignedCertificate();
    const aex = new Aex().push(Echo);
    await aex.start(0, { host: "127.0.0.1", tls: { key, cert } });
    try {
      expect(aex.server instanceof AexBunServer).toBe(onBun);
      const client = await RawClient.open(aex.port as number, "/echo/tls", {}, { ca: cert });
      expect(client.status).toBe(101);
      client.sendFrame(TEXT, JSON.stringify({ event: "say", data: "secret" }));
      expect(message(await client.next(TEXT))).toEqual({ event: "said", data: { room: "tls", text: "secret" } });
      client.socket.destroy();
    } finally {
      await aex.close();
    }
  });
});

describe("limits of each WebSocket server, whichever server upgrades", () => {
  let aex: Aex;
  let port: number;
  beforeAll(async () => {
    aex = new Aex();
    await aex.start(0, "127.0.0.1");
    port = aex.port as number;
    // Made after start(), as in the AEX README; two servers with their own limits on one app.
    const small = new WebSocketServer(aex, { path: "/small", maxPayload: 1000, heartbeat: 100 });
    const big = new WebSocketServer(aex, { path: "/big", maxPayload: 50_000, heartbeat: 0 });
    for (const server of [small, big]) {
      server.on(WebSocketServer.ENTER, (handler) =>
        handler.on("len", (text: string) => handler.send("len", text.length)),
      );
    }
  });
  afterAll(() => aex.close());

  it("closes with 1009 a message over its own maxPayload, while a server with a larger one takes it", async () => {
    const text = "x".repeat(5000);
    const big = await RawClient.open(port, "/big");
    big.sendFrame(TEXT, JSON.stringify({ event: "len", data: text }));
    expect(message(await big.next(TEXT))).toEqual({ event: "len", data: 5000 });
    const small = await RawClient.open(port, "/small");
    small.sendFrame(TEXT, JSON.stringify({ event: "len", data: text }));
    expect(closeCode(await small.next(CLOSE))).toBe(1009);
    // The other server's connection is untouched.
    big.sendFrame(TEXT, JSON.stringify({ event: "len", data: "abc" }));
    expect(message(await big.next(TEXT))).toEqual({ event: "len", data: 3 });
    big.socket.destroy();
  });

  it("takes a message over 1 MiB on a server made after start() that allows it (Bun.serve's limit is raised for it)", async () => {
    const large = new WebSocketServer(aex, { path: "/large", maxPayload: 2 * 1024 * 1024, heartbeat: 0 });
    large.on(WebSocketServer.ENTER, (handler) => handler.on("len", (text: string) => handler.send("len", text.length)));
    const client = await RawClient.open(port, "/large");
    const text = "z".repeat(1536 * 1024);
    client.sendFrame(TEXT, JSON.stringify({ event: "len", data: text }));
    expect(message(await client.next(TEXT))).toEqual({ event: "len", data: text.length });
    // The other servers keep their own, smaller limits.
    const small = await RawClient.open(port, "/small");
    small.sendFrame(TEXT, JSON.stringify({ event: "len", data: "x".repeat(5000) }));
    expect(closeCode(await small.next(CLOSE))).toBe(1009);
    client.socket.destroy();
  });

  it("pings every heartbeat and drops a peer that does not answer", async () => {
    const silent = await RawClient.open(port, "/small");
    expect(await silent.next(PING)).not.toBeNull();
    await silent.gone();
  });

  it("keeps a peer that answers the pings", async () => {
    const alive = await RawClient.open(port, "/small");
    for (let beat = 0; beat < 4; beat++) {
      const ping = await alive.next(PING);
      expect(ping).not.toBeNull();
      alive.sendFrame(PONG, ping!.payload);
    }
    expect(alive.ended).toBe(false);
    alive.sendFrame(TEXT, JSON.stringify({ event: "len", data: "abcd" }));
    expect(message(await alive.next(TEXT))).toEqual({ event: "len", data: 4 });
    alive.socket.destroy();
  });
});

describe("a client that does not read, whichever server upgrades", () => {
  it("is closed with 1013 once maxBufferedAmount waits for it, and the server keeps serving", async () => {
    const aex = new Aex();
    await aex.start(0, "127.0.0.1");
    const port = aex.port as number;
    const server = new WebSocketServer(aex, { path: "/flood", maxBufferedAmount: 64 * 1024, heartbeat: 0 });
    const sent: boolean[] = [];
    const chunk = "y".repeat(60_000);
    server.on(WebSocketServer.ENTER, (handler) =>
      handler.on("flood", async () => {
        // Past what the kernel's buffers take, the rest waits in the server for the client.
        for (let i = 0; i < 400 && handler.open; i++) {
          sent.push(handler.send("chunk", chunk));
          await new Promise((resolve) => setImmediate(resolve));
        }
      }),
    );
    try {
      const stalled = await RawClient.open(port, "/flood");
      stalled.socket.pause();
      stalled.sendFrame(TEXT, JSON.stringify({ event: "flood" }));
      for (let i = 0; i < 200 && !sent.includes(false); i++) await new Promise((r) => setTimeout(r, 25));
      expect(sent.includes(false)).toBe(true);
      expect(sent.length).toBeLessThan(400);
      stalled.socket.resume();
      expect(closeCode(await stalled.next(CLOSE, 10_000))).toBe(1013);
      const next = await RawClient.open(port, "/flood");
      expect(next.status).toBe(101);
      next.socket.destroy();
    } finally {
      await aex.close();
    }
  });
});
