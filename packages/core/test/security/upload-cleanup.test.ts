import { existsSync, mkdtempSync, readdirSync, readlinkSync, rmSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Aex, formdata, post, type AexRequest, type AexResponse, type Scope } from "@aex/core";
import { listen, send } from "../support/http";

const BOUNDARY = "XyZ";
const part = (disposition: string, content: string) =>
  `--${BOUNDARY}\r\nContent-Disposition: form-data; ${disposition}\r\nContent-Type: text/plain\r\n\r\n${content}\r\n`;
const fileOf = (name: string, content: string) => part(`name="${name}"; filename="${name}.txt"`, content);
const end = `--${BOUNDARY}--\r\n`;
const headers = { "Content-Type": `multipart/form-data; boundary=${BOUNDARY}` };

/** Polls (every 10 ms, at most 10 s) until `done()` holds: waits on the server's cleanup, asserts nothing on time. */
async function until(done: () => boolean): Promise<void> {
  for (let i = 0; i < 1000 && !done(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
}

/** File descriptors of this process (which runs the server) still open on files in `dir` (Linux's /proc). */
function openIn(dir: string): string[] {
  if (!existsSync("/proc/self/fd")) return [];
  const targets = readdirSync("/proc/self/fd").map((fd) => {
    try {
      return readlinkSync(`/proc/self/fd/${fd}`);
    } catch {
      return ""; // closed while listing
    }
  });
  return targets.filter((target) => target.startsWith(dir));
}

/**
 * Sends the head and the first bytes of an upload, waits until the server wrote a temp file
 * for it, then resets the connection mid-upload.
 */
function abortMidUpload(base: string, path: string, dir: string): Promise<void> {
  const url = new URL(base);
  const start = fileOf("doc", "x".repeat(64 * 1024));
  const head =
    `POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Type: ${headers["Content-Type"]}\r\n` +
    `Content-Length: ${start.length + 1024 * 1024}\r\n\r\n`;
  return new Promise((resolve, reject) => {
    const before = new Set(readdirSync(dir));
    const socket = connect(Number(url.port), url.hostname, () => {
      socket.write(head + start);
      void until(() => readdirSync(dir).some((name) => !before.has(name))).then(() => socket.resetAndDestroy());
    });
    socket.on("error", (error: NodeJS.ErrnoException) => (error.code === "ECONNRESET" ? undefined : reject(error)));
    socket.on("close", () => resolve());
  });
}

describe("@formdata temp files after refused uploads", () => {
  let aex: Aex;
  let base: string;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "aex-upload-cleanup-"));
    const options = { tempDir: dir, limits: { files: 2, fileSize: 100 * 1024 } };
    class Uploads {
      @post("/upload")
      @formdata(options)
      upload(_req: AexRequest, res: AexResponse, scope: Scope) {
        res.json({ files: Object.keys(scope.files) });
      }
    }
    aex = new Aex().push(Uploads);
    base = await listen(aex);
  });
  afterAll(async () => {
    await aex.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("regression: 20 uploads refused for too many files leave no temp file", async () => {
    const body = fileOf("a", "1") + fileOf("b", "2") + fileOf("c", "3") + end;
    for (let i = 0; i < 20; i++) {
      const res = await send(base, "POST", "/upload", { headers, body });
      expect(res.status).toBe(413);
      expect(res.json()).toMatchObject({ code: "AEX_FORMDATA_LIMIT", details: { limit: "files", max: 2 } });
    }
    await until(() => readdirSync(dir).length === 0);
    expect(readdirSync(dir)).toEqual([]);
  });

  it("regression: 20 uploads refused for a file too large leave no temp file", async () => {
    const body = fileOf("a", "1") + fileOf("big", "x".repeat(100 * 1024 + 1)) + end;
    for (let i = 0; i < 20; i++) {
      const res = await send(base, "POST", "/upload", { headers, body });
      expect(res.status).toBe(413);
      expect(res.json()).toMatchObject({ code: "AEX_FORMDATA_LIMIT", details: { limit: "fileSize", max: 102400 } });
    }
    await until(() => readdirSync(dir).length === 0);
    expect(readdirSync(dir)).toEqual([]);
  });

  it("regression: 10 uploads the client aborts mid-file leave no temp file nor open descriptor, and the server keeps serving", async () => {
    for (let i = 0; i < 10; i++) await abortMidUpload(base, "/upload", dir);
    await until(() => readdirSync(dir).length === 0 && openIn(dir).length === 0);
    expect(readdirSync(dir)).toEqual([]);
    // Unlinking a file whose write stream is stuck open would hide it from readdir but keep its descriptor.
    expect(openIn(dir)).toEqual([]);
    const ok = await send(base, "POST", "/upload", { headers, body: fileOf("a", "1") + end });
    expect(ok.status).toBe(200);
    expect(ok.json()).toEqual({ files: ["a"] });
    await until(() => readdirSync(dir).length === 0);
    expect(readdirSync(dir)).toEqual([]);
  });
});
