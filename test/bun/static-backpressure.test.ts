// @serve streams a large file and stops when the client stops reading, on Node and on Bun.
// The twin of serve.test.ts's "streams a large file without buffering it whole", whose barrier
// (the server socket's writableNeedDrain) never turns true on Bun: Bun's node:http writes
// through its own native layer and reports backpressure on the response, not on the socket.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { request, type IncomingMessage, type ServerResponse } from "node:http";
import type { Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Aex, serve } from "@aex/core";

const dir = mkdtempSync(join(tmpdir(), "aex-bun-static-"));
// Far larger than loopback socket buffers: a file sent whole would be queued in full.
const HUGE = 64 * 1024 * 1024;
writeFileSync(join(dir, "huge.bin"), Buffer.alloc(HUGE, 1));

class Files {
  @serve("/files")
  files() {
    return dir;
  }
}

describe("@serve backpressure (Node and Bun)", () => {
  let aex: Aex;
  beforeAll(async () => {
    aex = new Aex().push(Files);
    // node:http's sockets and `request` event, on both runtimes (Bun.serve shows neither; its
    // backpressure is packages/core/test/bun-transport.test.ts's).
    await aex.start(0, { host: "127.0.0.1", transport: "node" });
  });
  afterAll(async () => {
    await aex.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("streams a large file and waits for a client that stops reading", async () => {
    let socket: Socket | undefined;
    let served: ServerResponse | undefined;
    const onConnection = (s: Socket) => (socket = s);
    const onRequest = (_req: IncomingMessage, res: ServerResponse) => (served = res);
    aex.server!.on("connection", onConnection).on("request", onRequest);
    const response = await new Promise<IncomingMessage>((resolve, reject) => {
      request({ host: "127.0.0.1", port: aex.port, path: "/files/huge.bin", agent: false }, resolve)
        .on("error", reject)
        .end();
    });
    try {
      expect(response.statusCode).toBe(200);
      expect(response.headers["content-length"]).toBe(String(HUGE));
      await new Promise((resolve) => response.once("data", resolve));
      response.pause();
      // Positive barrier: the server's response reports backpressure (on both runtimes).
      while (!served?.writableNeedDrain) await new Promise((resolve) => setTimeout(resolve, 10));
      const onBun = process.versions.bun !== undefined;
      // The difference: only Node's socket reports it as well.
      expect(socket?.writableNeedDrain).toBe(!onBun);
      // What was handed to the socket is a small part of the file, not all of it.
      expect(socket!.bytesWritten).toBeLessThan(HUGE / 4);
    } finally {
      aex.server!.off("connection", onConnection).off("request", onRequest);
      response.destroy();
    }
  }, 30_000);
});
