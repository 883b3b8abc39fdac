// Where Bun's node:* modules differ from Node's in ways Aex users can see. Runs under jest
// (Node) and under `bun test` (scripts/test-bun.mjs); each test asserts what each runtime
// does, so a change in either shows up here. docs/runtimes.md lists the same differences.
import { createServer } from "node:http";
import { join } from "node:path";
import { Aex, formdata, post, type Scope } from "@aex/core";

const onBun = process.versions.bun !== undefined;

describe("runtime differences (Node vs Bun)", () => {
  it("start() on a taken port rejects with code EADDRINUSE on both; only the message differs", async () => {
    const first = new Aex();
    await first.start(0, "127.0.0.1");
    const second = new Aex();
    try {
      const error = await second.start(first.port, "127.0.0.1").then(
        () => null,
        (e: NodeJS.ErrnoException) => e,
      );
      expect(error).toMatchObject({ code: "EADDRINUSE", syscall: "listen" });
      expect(error?.message).toBe(
        onBun
          ? `Failed to start server. Is port ${first.port} in use?`
          : `listen EADDRINUSE: address already in use 127.0.0.1:${first.port}`,
      );
      // node's server exists and does not listen; Bun.serve (the Bun transport) made none.
      expect(second.server?.listening ?? false).toBe(false);
    } finally {
      await first.close();
      await second.close();
    }
  });

  it("a FormData response's content-type is gone once its body is read on Bun, not on Node", async () => {
    const form = new FormData();
    form.append("field", "value");
    const read = new Response(form);
    await read.arrayBuffer();
    const type = read.headers.get("content-type");
    if (onBun) expect(type).toBeNull();
    else expect(type).toMatch(/^multipart\/form-data; boundary=/);
    // Read first, the header is there on both.
    expect(new Response(form).headers.get("content-type")).toMatch(/^multipart\/form-data; boundary=/);
  });

  it("inject() sends multipart with its boundary on both (regression: Bun lost the content-type)", async () => {
    class Upload {
      @post("/upload")
      @formdata()
      upload(_req: unknown, res: { json(v: unknown): void }, scope: Scope) {
        const file = scope.files.doc?.[0];
        res.json({
          title: (scope.body as { title: string }).title,
          file: file && { filename: file.filename, mimetype: file.mimetype, size: file.size },
        });
      }
    }
    const aex = new Aex().push(Upload);
    const res = await aex
      .inject()
      .post("/upload")
      .formData({ title: "docs" })
      .file("doc", Buffer.from("12345"), { filename: "a.txt", contentType: "text/plain" });
    expect(res.status).toBe(200);
    expect(res.json()).toEqual({ title: "docs", file: { filename: "a.txt", mimetype: "text/plain", size: 5 } });
  });

  it('`import "ws"` is the npm package on Node and Bun\'s built-in WebSocket on Bun', () => {
    // Resolved as @aex/ws resolves it (pnpm keeps ws out of the repository root).
    const resolved = require.resolve("ws", { paths: [join(__dirname, "..", "..", "packages", "ws")] });
    if (onBun) expect(resolved).toBe("ws");
    else expect(resolved).toMatch(/[\\/]node_modules[\\/]ws[\\/]index\.js$/);
  });

  it("node:http keeps serving after a malformed request line on both", async () => {
    const server = createServer((_req, res) => res.end("ok"));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as { port: number };
    try {
      const { connect } = await import("node:net");
      const reply = await new Promise<string>((resolve, reject) => {
        const socket = connect(port, "127.0.0.1", () => socket.end("NOT HTTP\r\n\r\n"));
        let text = "";
        socket.on("data", (chunk) => (text += String(chunk)));
        socket.on("close", () => resolve(text));
        socket.on("error", reject);
      });
      expect(reply).toMatch(/^HTTP\/1\.1 400 /);
      const res = await fetch(`http://127.0.0.1:${port}/`);
      expect(res.status).toBe(200);
      expect(await res.text()).toBe("ok");
    } finally {
      server.close();
    }
  });
});
