import { connect, type Socket } from "node:net";
import { Aex, AexError, get } from "@aex/core";
import { floodGuard } from "@aex/core/flood-guard";
import { listen, send } from "../support/http";

class Pages {
  @get("/")
  home(_req: any, res: any) {
    res.end("home");
  }
}

function open(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1", () => resolve(socket));
    socket.once("error", reject);
  });
}

/** Everything the server sends on `socket` until it closes it. */
function readUntilClosed(socket: Socket): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    socket.on("data", (chunk: Buffer) => chunks.push(chunk));
    socket.on("error", () => undefined);
    socket.on("close", () => resolve(Buffer.concat(chunks).toString("utf8")));
  });
}

/** Resolves once the guard counts `count` connections from 127.0.0.1 (the server saw them). */
async function counted(guard: ReturnType<typeof floodGuard>, count: number): Promise<void> {
  while (guard.connections("127.0.0.1") !== count) await new Promise((resolve) => setImmediate(resolve));
}

describe("floodGuard(options)", () => {
  it("bans an address past maxRequests per window: 429 AEX_FLOOD_BANNED with Retry-After, then drops its connections", async () => {
    const guard = floodGuard({ maxRequests: 3, windowMs: 60_000, banMs: 60_000 });
    const aex = new Aex();
    aex.use(guard);
    aex.push(Pages);
    guard.attach(aex.createServer());
    const base = await listen(aex);
    try {
      for (let i = 0; i < 3; i++) expect((await send(base, "GET", "/")).text).toBe("home");
      const banned = await send(base, "GET", "/");
      expect(banned.status).toBe(429);
      expect(banned.headers["retry-after"]).toBe("60");
      expect(banned.headers.connection).toBe("close");
      expect(banned.json()).toMatchObject({ status: 429, code: "AEX_FLOOD_BANNED" });
      expect(guard.isBanned("127.0.0.1")).toBe(true);
      // New connections from a banned address are closed before any HTTP.
      const socket = await open(aex.port!);
      const answer = readUntilClosed(socket);
      socket.write("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
      expect(await answer).toBe("");
      guard.unban("127.0.0.1");
      expect(guard.isBanned("127.0.0.1")).toBe(false);
    } finally {
      await aex.close();
    }
  });

  it("caps open connections per address: the one over the cap gets 503 AEX_FLOOD_CONNECTIONS and is closed", async () => {
    const guard = floodGuard({ maxConnectionsPerIp: 2 });
    const aex = new Aex();
    aex.use(guard);
    aex.push(Pages);
    guard.attach(aex.createServer());
    const base = await listen(aex);
    const held: Socket[] = [];
    try {
      held.push(await open(aex.port!), await open(aex.port!));
      await counted(guard, 2);
      const third = await open(aex.port!);
      const answer = await readUntilClosed(third);
      expect(answer).toMatch(/^HTTP\/1\.1 503 Service Unavailable\r\n/);
      expect(answer).toContain("Connection: close");
      expect(JSON.parse(answer.slice(answer.indexOf("\r\n\r\n") + 4))).toMatchObject({ code: "AEX_FLOOD_CONNECTIONS" });
      // Closing one frees a place; the server keeps serving.
      const closed = new Promise((resolve) => held[0]!.once("close", resolve));
      held[0]!.destroy();
      await closed;
      await counted(guard, 1);
      const res = await send(base, "GET", "/");
      expect(res.status).toBe(200);
      expect(res.text).toBe("home");
    } finally {
      for (const socket of held) socket.destroy();
      await aex.close();
    }
  });

  it("regression: an IPv6 client that picks a new address in its prefix stays banned", async () => {
    const guard = floodGuard({ maxRequests: 2, windowMs: 60_000, banMs: 60_000 });
    const aex = new Aex({ trustProxy: "loopback" });
    aex.use(guard);
    aex.push(Pages);
    const base = await listen(aex);
    const from = (address: string) => send(base, "GET", "/", { headers: { "X-Forwarded-For": address } });
    try {
      for (const address of ["2001:db8:1:2a07::1", "2001:db8:1:2a07::2"])
        expect((await from(address)).text).toBe("home");
      const banned = await from("2001:db8:1:2aff::3");
      expect(banned.status).toBe(429);
      expect(banned.json()).toMatchObject({ status: 429, code: "AEX_FLOOD_BANNED" });
      expect(guard.isBanned("2001:db8:1:2a99::42")).toBe(true);
      expect(guard.isBanned("2001:db8:1:2b00::1")).toBe(false);
      expect((await from("2001:db8:1:2b00::1")).text).toBe("home");
      guard.unban("2001:db8:1:2a07::1");
      expect(guard.isBanned("2001:db8:1:2a99::42")).toBe(false);
    } finally {
      await aex.close();
    }
  });

  it("refuses options it cannot use with AEX_ERR_GUARD_OPTIONS", () => {
    expect(() => floodGuard({ maxConnectionsPerIp: 0 })).toThrow(AexError);
    expect(() => floodGuard({ banMs: Number.NaN })).toThrow(AexError);
    expect(() => floodGuard({ ipv6Subnet: 200 })).toThrow(AexError);
  });
});
