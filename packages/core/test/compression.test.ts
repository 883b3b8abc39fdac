import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { once } from "node:events";
import { request } from "node:http";
import { Aex, AexError, get, serve, type AexRequest, type AexResponse } from "@aex/core";
import { compress, negotiateEncoding, isCompressible } from "@aex/core/compress";
import { fetchBytes } from "./support/bytes";

const dir = mkdtempSync(join(tmpdir(), "aex-compress-"));
const page = "<p>" + "Aex compresses text. ".repeat(400) + "</p>";
writeFileSync(join(dir, "page.html"), page);
writeFileSync(join(dir, "photo.png"), Buffer.alloc(8 * 1024, 1));

const big = { items: Array.from({ length: 200 }, (_, i) => ({ id: i, name: `item ${i}`, tags: ["a", "b"] })) };
const bigText = JSON.stringify(big);
const huge = "x".repeat(300 * 1024); // over the inline limit: compressed on the thread pool
let refusedWrites = 0; // how often res.write asked /backpressure to wait for "drain"

class Api {
  @get("/json")
  json(_req: AexRequest, res: AexResponse) {
    res.json(big);
  }

  @get("/small")
  small(_req: AexRequest, res: AexResponse) {
    res.json({ ok: true });
  }

  @get("/huge")
  huge(_req: AexRequest, res: AexResponse) {
    res.type("text/plain").end(huge);
  }

  @get("/png")
  png(_req: AexRequest, res: AexResponse) {
    res.type("image/png").end(Buffer.alloc(8 * 1024, 1));
  }

  @get("/empty")
  empty(_req: AexRequest, res: AexResponse) {
    res.status(204).end();
  }

  @get("/not-modified")
  notModified(_req: AexRequest, res: AexResponse) {
    res.status(304).end();
  }

  @get("/partial")
  partial(_req: AexRequest, res: AexResponse) {
    res.status(206).set("Content-Range", `bytes 0-1999/4000`).type("text/plain").end("p".repeat(2000));
  }

  @get("/stream")
  async stream(_req: AexRequest, res: AexResponse) {
    res.type("text/plain");
    for (let i = 0; i < 50; i++) res.write(`line ${i} ${"-".repeat(100)}\n`);
    res.end("the end\n");
  }

  @get("/backpressure")
  async backpressure(_req: AexRequest, res: AexResponse) {
    res.type("application/octet-stream+json");
    res.setHeader("Content-Type", "application/x-ndjson");
    const line = Buffer.from(JSON.stringify({ filler: "z".repeat(1000) }) + "\n");
    for (let i = 0; i < 4000; i++) {
      if (!res.write(line)) {
        refusedWrites++;
        await once(res, "drain");
      }
    }
    res.end();
  }

  @get("/sse")
  sse(_req: AexRequest, res: AexResponse) {
    res.writeHead(200, { "content-type": "text/event-stream" });
    res.end(`data: ${"s".repeat(2000)}\n\n`);
  }

  @get("/encoded")
  encoded(_req: AexRequest, res: AexResponse) {
    res.set("Content-Encoding", "identity").type("text/plain").end("e".repeat(4000));
  }

  @get("/no-transform")
  noTransform(_req: AexRequest, res: AexResponse) {
    res.set("Cache-Control", "no-transform").json(big);
  }

  @get("/vary-etag")
  varyEtag(_req: AexRequest, res: AexResponse) {
    res.set("Vary", "Origin").set("ETag", '"v1"').json(big);
  }

  @get("/before-end")
  beforeEnd(_req: AexRequest, res: AexResponse) {
    res.beforeEnd(async () => {
      res.setHeader("X-Saved", "yes");
    });
    res.json(big);
  }

  @get("/opt-out")
  @compress(false)
  optOut(_req: AexRequest, res: AexResponse) {
    res.json(big);
  }

  @get("/tiny-threshold")
  @compress({ threshold: 10, encodings: ["gzip"] })
  tinyThreshold(_req: AexRequest, res: AexResponse) {
    res.json({ hello: "world, a few bytes" });
  }

  @serve("/files")
  files() {
    return dir;
  }
}

class OnlyOneRoute {
  @get("/plain")
  plain(_req: AexRequest, res: AexResponse) {
    res.json(big);
  }

  @get("/zipped")
  @compress()
  zipped(_req: AexRequest, res: AexResponse) {
    res.json(big);
  }
}

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("compress(options)", () => {
  const aex = new Aex().use(compress()).push(Api);
  let base: string;
  beforeAll(async () => {
    await aex.start(0, "127.0.0.1");
    base = `http://127.0.0.1:${aex.port}`;
  });
  afterAll(() => aex.close());

  it.each([
    ["gzip", "gzip"],
    ["deflate", "deflate"],
    ["br", "br"],
    ["gzip, deflate, br", "br"],
    ["gzip;q=1, br;q=0.5", "gzip"],
    ["br;q=0, gzip", "gzip"],
    ["*", "br"],
    ["*;q=0.1, deflate;q=0.5", "deflate"],
  ])("answers Accept-Encoding %j with %s, decodable by node:zlib", async (accept, coding) => {
    const res = await fetchBytes(base, "/json", { headers: { "accept-encoding": accept } });
    expect(res.status).toBe(200);
    expect(res.headers["content-encoding"]).toBe(coding);
    expect(res.headers.vary).toBe("Accept-Encoding");
    expect(res.headers["content-type"]).toBe("application/json; charset=utf-8");
    expect(Number(res.headers["content-length"])).toBe(res.wire.length);
    expect(res.wire.length).toBeLessThan(bigText.length / 4);
    expect(JSON.parse(res.body.toString())).toEqual(big);
  });

  it.each([["identity"], ["br;q=0, gzip;q=0, deflate;q=0"], ["compress"]])(
    "sends the body as is for %j, with Vary",
    async (accept) => {
      const res = await fetchBytes(base, "/json", { headers: { "accept-encoding": accept } });
      expect(res.status).toBe(200);
      expect(res.headers["content-encoding"]).toBeUndefined();
      expect(res.headers.vary).toBe("Accept-Encoding");
      expect(res.wire.toString()).toBe(bigText);
    },
  );

  it("sends the body as is without Accept-Encoding", async () => {
    const res = await fetchBytes(base, "/json");
    expect(res.headers["content-encoding"]).toBeUndefined();
    expect(res.headers["content-length"]).toBe(String(bigText.length));
    expect(res.wire.toString()).toBe(bigText);
  });

  it.each([
    ["/json", 200],
    ["/small", 200],
    ["/stream", 200],
    ["/vary-etag", 200],
    ["/mmm… (the 404 of an unknown path)", 404],
  ])(
    "regression: %s answers a client without Accept-Encoding with Vary: Accept-Encoding (no cache poisoning)",
    async (name, status) => {
      const path = status === 404 ? "/" + "m".repeat(2000) : name;
      // A shared cache that stored this identity answer without Vary would serve it to
      // gzip clients, and the gzip answer stored from a gzip client to this one.
      const res = await fetchBytes(base, path);
      expect(res.status).toBe(status);
      expect(res.headers["content-encoding"]).toBeUndefined();
      expect(res.headers.vary).toBe(path === "/vary-etag" ? "Origin, Accept-Encoding" : "Accept-Encoding");
      if (path === "/json") expect(res.wire.toString()).toBe(bigText);
      if (status === 404) expect(JSON.parse(res.body.toString()).code).toBe("AEX_NOT_FOUND");
    },
  );

  it("regression: HEAD says Vary: Accept-Encoding like its GET, with or without Accept-Encoding, uncompressed", async () => {
    const variants: Record<string, string>[] = [{}, { "accept-encoding": "gzip" }];
    for (const headers of variants) {
      const res = await fetchBytes(base, "/json", { method: "HEAD", headers });
      expect(res.status).toBe(200);
      expect(res.headers.vary).toBe("Accept-Encoding");
      expect(res.headers["content-encoding"]).toBeUndefined();
      expect(res.headers["content-length"]).toBe(String(bigText.length));
    }
  });

  it("sends no Vary for a type it never compresses, nor on a route that opts out", async () => {
    const png = await fetchBytes(base, "/png");
    expect(png.status).toBe(200);
    expect(png.headers.vary).toBeUndefined();
    const optOut = await fetchBytes(base, "/opt-out");
    expect(optOut.status).toBe(200);
    expect(optOut.headers.vary).toBeUndefined();
  });

  it.each([
    ["br;Q=0, gzip", "gzip"],
    ["GZIP;Q=1, br;q=0.5", "gzip"],
    ["br;q=2, gzip", "gzip"],
    ["br;q=1.5, deflate;q=0.5", "deflate"],
    ["gzip;q=abc", undefined],
    ["gzip;q=0.0001", undefined],
    ["gzip;q=-1", undefined],
    ["gzip;q=", undefined],
  ])(
    "regression: Accept-Encoding %j (q names any case; a malformed or out-of-range q counts as 0) → %s",
    async (accept, coding) => {
      const res = await fetchBytes(base, "/json", { headers: { "accept-encoding": accept } });
      expect(res.status).toBe(200);
      expect(res.headers["content-encoding"]).toBe(coding);
      expect(res.headers.vary).toBe("Accept-Encoding");
      expect(JSON.parse(res.body.toString())).toEqual(big);
    },
  );

  it("leaves bodies under the 1 KB threshold alone", async () => {
    const res = await fetchBytes(base, "/small", { headers: { "accept-encoding": "gzip" } });
    expect(res.status).toBe(200);
    expect(res.headers["content-encoding"]).toBeUndefined();
    expect(res.headers.vary).toBe("Accept-Encoding");
    expect(res.wire.toString()).toBe('{"ok":true}');
  });

  it("compresses a body too large to compress inline on the thread pool", async () => {
    const res = await fetchBytes(base, "/huge", { headers: { "accept-encoding": "gzip" } });
    expect(res.status).toBe(200);
    expect(res.headers["content-encoding"]).toBe("gzip");
    expect(Number(res.headers["content-length"])).toBe(res.wire.length);
    expect(res.body.toString()).toBe(huge);
  });

  it.each([
    ["/png", 200],
    ["/empty", 204],
    ["/not-modified", 304],
    ["/partial", 206],
    ["/sse", 200],
    ["/no-transform", 200],
  ])("never compresses %s (%d)", async (path, status) => {
    const res = await fetchBytes(base, path, { headers: { "accept-encoding": "gzip, br" } });
    expect(res.status).toBe(status);
    expect(res.headers["content-encoding"]).toBeUndefined();
  });

  it("keeps a Content-Encoding the handler set", async () => {
    const res = await fetchBytes(base, "/encoded", { headers: { "accept-encoding": "gzip" } });
    expect(res.headers["content-encoding"]).toBe("identity");
    expect(res.wire.toString()).toBe("e".repeat(4000));
  });

  it("answers HEAD without compressing", async () => {
    const res = await fetchBytes(base, "/json", { method: "HEAD", headers: { "accept-encoding": "gzip" } });
    expect(res.status).toBe(200);
    expect(res.headers["content-encoding"]).toBeUndefined();
    expect(res.headers["content-length"]).toBe(String(bigText.length));
  });

  it("compresses a response written in pieces, chunked", async () => {
    const res = await fetchBytes(base, "/stream", { headers: { "accept-encoding": "gzip" } });
    expect(res.status).toBe(200);
    expect(res.headers["content-encoding"]).toBe("gzip");
    expect(res.headers["transfer-encoding"]).toBe("chunked");
    expect(res.headers["content-length"]).toBeUndefined();
    const lines = res.body.toString().split("\n");
    expect(lines[0]).toBe(`line 0 ${"-".repeat(100)}`);
    expect(lines[50]).toBe("the end");
  });

  it("streams 4 MB through the compressor with backpressure (res.write returns false, drain follows)", async () => {
    const res = await fetchBytes(base, "/backpressure", { headers: { "accept-encoding": "br" } });
    expect(res.status).toBe(200);
    expect(res.headers["content-encoding"]).toBe("br");
    const lines = res.body.toString().trimEnd().split("\n");
    expect(lines).toHaveLength(4000);
    expect(JSON.parse(lines[3999])).toEqual({ filler: "z".repeat(1000) });
    expect(refusedWrites).toBeGreaterThan(0);
  });

  it("keeps serving after a client leaves in the middle of a compressed stream", async () => {
    const url = new URL(base);
    await new Promise<void>((resolve) => {
      const req = request(
        { host: url.hostname, port: url.port, path: "/backpressure", headers: { "accept-encoding": "gzip" } },
        (res) => {
          expect(res.headers["content-encoding"]).toBe("gzip");
          res.once("data", () => {
            req.destroy();
            resolve();
          });
        },
      );
      req.end();
    });
    const res = await fetchBytes(base, "/json", { headers: { "accept-encoding": "gzip" } });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body.toString())).toEqual(big);
  });

  it("compresses a static file piped by @serve, weakening its ETag", async () => {
    const res = await fetchBytes(base, "/files/page.html", { headers: { "accept-encoding": "gzip" } });
    expect(res.status).toBe(200);
    expect(res.headers["content-encoding"]).toBe("gzip");
    expect(res.headers.etag).toMatch(/^W\//);
    expect(res.body.toString()).toBe(page);
  });

  it("never compresses a Range answer of @serve", async () => {
    const res = await fetchBytes(base, "/files/page.html", {
      headers: { "accept-encoding": "gzip", range: "bytes=0-99" },
    });
    expect(res.status).toBe(206);
    expect(res.headers["content-encoding"]).toBeUndefined();
    expect(res.wire.toString()).toBe(page.slice(0, 100));
  });

  it("never compresses an image served by @serve", async () => {
    const res = await fetchBytes(base, "/files/photo.png", { headers: { "accept-encoding": "gzip" } });
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toBe("image/png");
    expect(res.headers["content-encoding"]).toBeUndefined();
    expect(res.wire.length).toBe(8 * 1024);
  });

  it("adds to an existing Vary and weakens a strong ETag", async () => {
    const res = await fetchBytes(base, "/vary-etag", { headers: { "accept-encoding": "gzip" } });
    expect(res.headers.vary).toBe("Origin, Accept-Encoding");
    expect(res.headers.etag).toBe('W/"v1"');
    expect(JSON.parse(res.body.toString())).toEqual(big);
  });

  it("lets res.beforeEnd tasks still set headers", async () => {
    const res = await fetchBytes(base, "/before-end", { headers: { "accept-encoding": "gzip" } });
    expect(res.headers["x-saved"]).toBe("yes");
    expect(res.headers["content-encoding"]).toBe("gzip");
    expect(JSON.parse(res.body.toString())).toEqual(big);
  });

  it("@compress(false) turns it off for one route", async () => {
    const res = await fetchBytes(base, "/opt-out", { headers: { "accept-encoding": "gzip" } });
    expect(res.status).toBe(200);
    expect(res.headers["content-encoding"]).toBeUndefined();
    expect(res.wire.toString()).toBe(bigText);
  });

  it("@compress(options) on a route overrides the app's options", async () => {
    const res = await fetchBytes(base, "/tiny-threshold", { headers: { "accept-encoding": "br, gzip" } });
    expect(res.headers["content-encoding"]).toBe("gzip");
    expect(JSON.parse(res.body.toString())).toEqual({ hello: "world, a few bytes" });
  });

  it("compresses error responses too", async () => {
    const res = await fetchBytes(base, "/" + "m".repeat(2000), { headers: { "accept-encoding": "gzip" } });
    expect(res.status).toBe(404);
    expect(res.headers["content-encoding"]).toBe("gzip");
    expect(JSON.parse(res.body.toString()).code).toBe("AEX_NOT_FOUND");
  });
});

describe("@compress() on one route only", () => {
  const aex = new Aex().push(OnlyOneRoute);
  let base: string;
  beforeAll(async () => {
    await aex.start(0, "127.0.0.1");
    base = `http://127.0.0.1:${aex.port}`;
  });
  afterAll(() => aex.close());

  it("compresses the decorated route", async () => {
    const res = await fetchBytes(base, "/zipped", { headers: { "accept-encoding": "gzip" } });
    expect(res.headers["content-encoding"]).toBe("gzip");
    expect(JSON.parse(res.body.toString())).toEqual(big);
  });

  it("leaves the other routes alone", async () => {
    const res = await fetchBytes(base, "/plain", { headers: { "accept-encoding": "gzip" } });
    expect(res.headers["content-encoding"]).toBeUndefined();
    expect(res.headers.vary).toBeUndefined();
    expect(res.wire.toString()).toBe(bigText);
  });
});

describe("negotiateEncoding(header)", () => {
  it.each([
    ["gzip, deflate, br", "br"],
    ["gzip;q=0.8, deflate;q=0.9", "deflate"],
    ["x-gzip", "gzip"],
    ["GZIP;Q=0.5", "gzip"],
    ["br;q=0", null],
    ["identity, *;q=0", null],
    ["", null],
    ["gzip;q=abc, deflate;q=0.1", "deflate"],
    ["br;q=2, gzip;q=0.9", "gzip"],
    ["gzip;q=0.0001", null],
    ["gzip;q=1.000, br;q=0.999", "gzip"],
  ])("%j → %s", (header, expected) => {
    expect(negotiateEncoding(header)).toBe(expected);
  });

  it("keeps the server's order among equal ranks", () => {
    expect(negotiateEncoding("br, gzip", ["gzip", "br"])).toBe("gzip");
  });
});

describe("isCompressible(contentType)", () => {
  it.each([
    ["application/json; charset=utf-8", true],
    ["text/html", true],
    ["image/svg+xml", true],
    ["application/problem+json", true],
    ["text/event-stream", false],
    ["image/png", false],
    ["image/jpeg", false],
    ["application/zip", false],
    ["application/gzip", false],
    ["video/mp4", false],
    ["font/woff2", false],
    ["application/pdf", false],
    ["application/octet-stream", false],
  ])("%s → %s", (type, expected) => {
    expect(isCompressible(type)).toBe(expected);
  });
});

describe("compress(options) setup errors", () => {
  it.each([
    [{ threshold: -1 }],
    [{ threshold: 1.5 }],
    [{ level: 0 }],
    [{ level: 10 }],
    [{ brotliQuality: 12 }],
    [{ encodings: [] }],
    [{ encodings: ["zstd"] }],
  ])("refuses %j with AEX_ERR_COMPRESS_OPTIONS", (options) => {
    let caught: unknown;
    try {
      compress(options as never);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(AexError);
    expect((caught as AexError).code).toBe("AEX_ERR_COMPRESS_OPTIONS");
  });
});
