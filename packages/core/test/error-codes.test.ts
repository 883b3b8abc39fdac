// Error codes no other test named: each one provoked and asserted by its code.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Aex, AexError, body, get, post, serve, type HttpError } from "@aex/core";
import { runCluster } from "@aex/core/cluster";
import { listen } from "./support/http";

describe("AEX_BODY_ABORTED", () => {
  it("is the code the error path sees when a client stops sending its body", async () => {
    const seen: { status: number; code?: string }[] = [];
    let handled!: () => void;
    const errorHandled = new Promise<void>((resolve) => (handled = resolve));
    class Upload {
      @post("/upload")
      @body("json")
      upload(_req: unknown, res: { end(text: string): void }) {
        res.end("never reached");
      }
    }
    const aex = new Aex({ logger: false }).push(Upload);
    aex.setErrorHandler((error: HttpError) => {
      seen.push({ status: error.status, code: error.code });
      handled();
    });
    const base = new URL(await listen(aex));
    try {
      // 10 of the 100 bytes announced, then the client goes away.
      const socket = connect(Number(base.port), base.hostname, () => {
        socket.write(
          "POST /upload HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n" +
            '{"a":"1234',
          () => socket.destroy(),
        );
      });
      await errorHandled;
      expect(seen).toEqual([{ status: 400, code: "AEX_BODY_ABORTED" }]);
    } finally {
      await aex.close();
    }
  });
});

describe("AEX_STATIC_NOT_FOUND", () => {
  it("answers a missing file under @serve with 404 and the code", async () => {
    const dir = mkdtempSync(join(tmpdir(), "aex-codes-"));
    writeFileSync(join(dir, "here.txt"), "here");
    class Files {
      @serve("/files")
      files() {
        return dir;
      }
    }
    try {
      const client = new Aex().push(Files).inject();
      expect((await client.get("/files/here.txt")).text()).toBe("here");
      const missing = await client.get("/files/missing.txt");
      expect(missing.status).toBe(404);
      expect(missing.json()).toMatchObject({ status: 404, title: "Not Found", code: "AEX_STATIC_NOT_FOUND" });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("setup errors", () => {
  it("AEX_ERR_CLUSTER_OPTIONS: runCluster refuses a worker count that is not a positive integer", () => {
    for (const workers of [0, -1, 1.5]) {
      expect(() => runCluster(() => undefined, { workers })).toThrow(
        expect.objectContaining({
          code: "AEX_ERR_CLUSTER_OPTIONS",
          message: expect.stringContaining(`workers: ${workers}`),
        }),
      );
    }
  });

  it("AEX_ERR_INJECT_NO_WEBSOCKET: inject().ws() on an app without @aex/ws", async () => {
    const client = new Aex().inject();
    let error: unknown;
    try {
      await client.ws("/chat");
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(AexError);
    expect((error as AexError).code).toBe("AEX_ERR_INJECT_NO_WEBSOCKET");
  });

  it("AEX_ERR_DECORATOR_METADATA: a standard decorator context without metadata", () => {
    // What a compiler gives when Symbol.metadata did not exist as the class was defined.
    const context = {
      kind: "method",
      name: "page",
      static: false,
      private: false,
      metadata: undefined,
      addInitializer: () => undefined,
      access: { has: () => true, get: () => undefined },
    } as unknown as ClassMethodDecoratorContext;
    const decorate = get("/") as unknown as (value: unknown, context: ClassMethodDecoratorContext) => void;
    expect(() => decorate(function page() {}, context)).toThrow(
      expect.objectContaining({ code: "AEX_ERR_DECORATOR_METADATA", message: expect.stringContaining("method page") }),
    );
  });
});
