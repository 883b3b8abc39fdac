// @decorator-modes both: the README's @serve examples.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { Aex, assets, serve } from "@aex/core";
import { request } from "node:http";
import type { Socket } from "node:net";
import { listen, raw, send } from "./support/http";

const dir = mkdtempSync(join(tmpdir(), "aex-serve-"));
const publicDir = join(dir, "public");
mkdirSync(join(publicDir, "css", "deep"), { recursive: true });
writeFileSync(join(publicDir, "index.html"), "<h1>home</h1>");
writeFileSync(join(publicDir, "css", "site.css"), "body{}");
writeFileSync(join(publicDir, "css", "deep", "a.js"), "let a = 1;");
writeFileSync(join(publicDir, ".env"), "SECRET=1");
writeFileSync(join(publicDir, "100%.txt"), "percent");
writeFileSync(join(publicDir, "big.bin"), Buffer.alloc(256 * 1024, 7));
// Far larger than what loopback socket buffers can hold, so a file sent whole would sit
// in the server socket's write queue while a streamed one waits on the client.
const HUGE = 64 * 1024 * 1024;
writeFileSync(join(publicDir, "huge.bin"), Buffer.alloc(HUGE, 1));
writeFileSync(join(dir, "outside.txt"), "outside secret");
symlinkSync(join(dir, "outside.txt"), join(publicDir, "escape.txt"));
symlinkSync(join(publicDir, "index.html"), join(publicDir, "alias.html"));

class StaticFileServer {
  protected name = "formdata";

  @serve("/assets")
  public async upload() {
    // All your files and subdirectories are available for accessing.
    return resolve(dir, "./public");
  }

  @assets("/assets1")
  public async upload1() {
    return resolve(dir, "./public");
  }
}

describe("@serve(url) and @assets(url)", () => {
  let aex: Aex;
  let base: string;
  beforeAll(async () => {
    aex = new Aex().push(StaticFileServer);
    base = await listen(aex);
  });
  afterAll(async () => {
    await aex.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it.each([
    ["/assets/index.html", "text/html; charset=utf-8", "<h1>home</h1>"],
    ["/assets/css/site.css", "text/css; charset=utf-8", "body{}"],
    ["/assets/css/deep/a.js", "text/javascript; charset=utf-8", "let a = 1;"],
    ["/assets1/index.html", "text/html; charset=utf-8", "<h1>home</h1>"],
    ["/assets/100%25.txt", "text/plain; charset=utf-8", "percent"],
    ["/assets/alias.html", "text/html; charset=utf-8", "<h1>home</h1>"],
  ])("serves %s", async (path, type, text) => {
    const res = await send(base, "GET", path);
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toBe(type);
    expect(res.headers.etag).toBeDefined();
    expect(res.headers["last-modified"]).toBeDefined();
    expect(res.text).toBe(text);
  });

  it("answers 304 to a matching If-None-Match", async () => {
    const first = await send(base, "GET", "/assets/css/site.css");
    const again = await send(base, "GET", "/assets/css/site.css", {
      headers: { "If-None-Match": String(first.headers.etag) },
    });
    expect(again.status).toBe(304);
    expect(again.text).toBe("");
  });

  it("serves ranges and HEAD", async () => {
    const range = await send(base, "GET", "/assets/big.bin", { headers: { Range: "bytes=10-19" } });
    expect(range.status).toBe(206);
    expect(range.headers["content-range"]).toBe(`bytes 10-19/${256 * 1024}`);
    expect(range.text).toHaveLength(10);
    const head = await send(base, "HEAD", "/assets/big.bin");
    expect(head.status).toBe(200);
    expect(head.headers["content-length"]).toBe(String(256 * 1024));
    expect(head.text).toBe("");
    const unsatisfiable = await send(base, "GET", "/assets/big.bin", { headers: { Range: "bytes=999999999-" } });
    expect(unsatisfiable.status).toBe(416);
  });

  it.each([
    "/assets/../outside.txt",
    "/assets/%2e%2e/outside.txt",
    "/assets/%2E%2E%2Foutside.txt",
    "/assets/css/..%2F..%2Foutside.txt",
    "/assets/..%5Coutside.txt",
    "/assets/escape.txt",
    "/assets/.env",
    "/assets/%2eenv",
    "/assets/",
    "/assets",
    "/assets/css",
    "/assets/css/",
    "/assets/missing.txt",
    "/assets//etc/passwd",
    "/assets/%2Fetc%2Fpasswd",
  ])("refuses %s with 404", async (path) => {
    const answer = await raw(base, `GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
    expect(answer).toMatch(/^HTTP\/1.1 404/);
    expect(answer).not.toContain("outside secret");
    expect(answer).not.toContain("SECRET=1");
    expect(answer).not.toContain("root:");
  });

  it("refuses a malformed escape with 400", async () => {
    const res = await send(base, "GET", "/assets/%E0%A4%A");
    expect(res.status).toBe(400);
    expect(res.json()).toMatchObject({ status: 400, code: "AEX_PARAM_MALFORMED" });
  });

  it.each(["/assets/%00index.html", "/assets/index.html%00.txt"])("refuses %s with 400", async (path) => {
    const res = await send(base, "GET", path);
    expect(res.status).toBe(400);
    expect(res.json()).toMatchObject({ status: 400, code: "AEX_STATIC_BAD_PATH" });
  });

  it("does not answer other methods: 405 with Allow", async () => {
    const res = await send(base, "POST", "/assets/index.html");
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe("GET, HEAD, OPTIONS");
  });

  it("serves a binary file with its length and range support", async () => {
    const res = await send(base, "GET", "/assets/big.bin");
    expect(res.status).toBe(200);
    expect(res.headers["content-length"]).toBe(String(256 * 1024));
    expect(res.headers["accept-ranges"]).toBe("bytes");
  });

  it("streams a large file without buffering it whole", async () => {
    const sockets: Socket[] = [];
    const onConnection = (socket: Socket) => sockets.push(socket);
    aex.server!.on("connection", onConnection);
    const url = new URL(base);
    const response = await new Promise<import("node:http").IncomingMessage>((resolve, reject) => {
      const req = request({ host: url.hostname, port: url.port, path: "/assets/huge.bin", agent: false }, resolve);
      req.on("error", reject).end();
    });
    try {
      expect(response.statusCode).toBe(200);
      expect(response.headers["content-length"]).toBe(String(HUGE));
      // Read one chunk, then stop reading: the server must stop too.
      await new Promise((resolve) => response.once("data", resolve));
      response.pause();
      const [socket] = sockets;
      // Positive barrier: wait until the server's socket reports backpressure.
      while (!socket.writableNeedDrain) await new Promise((resolve) => setTimeout(resolve, 10));
      // bytesWritten counts queued bytes too: a file read whole would show all of it here.
      expect(socket.bytesWritten).toBeLessThan(HUGE / 4);
    } finally {
      aex.server!.off("connection", onConnection);
      response.destroy();
    }
  });
});
