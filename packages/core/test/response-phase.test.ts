import { connect as connectHttp2 } from "node:http2";
import { request } from "node:http";
import { Transform } from "node:stream";
import { gunzipSync } from "node:zlib";
import { Aex, get, type AexRequest, type AexResponse } from "@aex/core";
import { decoratorStep, type ResponseHooks } from "@aex/core/plugin";
import { Cache, MemoryCacheStore, cache } from "@aex/core/cache";
import { compress } from "@aex/core/compress";
import { listen, send } from "./support/http";

const big = { items: Array.from({ length: 200 }, (_, i) => ({ id: i, name: `item ${i}` })) };

/** A route step that only adds response hooks (what `@compress` and `@cache` are made of). */
const routeHooks = (name: string, hooks: ResponseHooks) =>
  decoratorStep(name, { build: () => null, response: () => hooks });

describe("aex.addResponseHooks({ onSend, onStream, onResponse })", () => {
  class Pages {
    @get("/json")
    json(_req: AexRequest, res: AexResponse) {
      res.json({ a: 1 });
    }

    @get("/head-first")
    headFirst(_req: AexRequest, res: AexResponse) {
      res.writeHead(201, { "content-type": "text/plain", "x-own": "kept" });
      res.end("made");
    }

    @get("/stream")
    stream(_req: AexRequest, res: AexResponse) {
      res.writeHead(200, { "content-type": "text/plain" });
      res.write("one ");
      res.write("two ");
      res.end("three");
    }

    @get("/own")
    @routeHooks("route-hook", { onSend: (_req, _res, _scope, body) => `${String(body)}+route` })
    own(_req: AexRequest, res: AexResponse) {
      res.end("body");
    }

    @get("/async")
    @routeHooks("async-hook", { onSend: async (_req, _res, _scope, body) => `${String(body)}+async` })
    later(_req: AexRequest, res: AexResponse) {
      res.end("body");
    }
  }

  const ended: { route?: string; status: number; finished: boolean }[] = [];
  let aex: Aex;
  let base: string;

  beforeAll(async () => {
    aex = new Aex().push(Pages);
    aex.addResponseHooks({
      onSend: (req, res, scope, body) => {
        res.setHeader("X-Sent-Bytes", String(body === null ? 0 : Buffer.byteLength(body)));
        res.setHeader("X-Request-Id-Seen", scope.requestId);
        return req.url === "/json" ? '{"replaced":true}' : undefined;
      },
      onStream: (_req, res) => {
        res.setHeader("X-Streamed", "yes");
        return new Transform({
          transform: (chunk: Buffer, _encoding, done) => done(null, chunk.toString().toUpperCase()),
        });
      },
      onResponse: (req, res) =>
        ended.push({ route: req.route, status: res.statusCode, finished: res.writableFinished }),
    });
    aex.addResponseHooks({ onSend: (_req, _res, _scope, body) => (body === null ? null : `${String(body)}+app`) });
    base = await listen(aex);
  });
  afterAll(() => aex.close());

  it("onSend sees the whole body before the head and may replace it and set headers", async () => {
    const res = await send(base, "GET", "/json");
    expect(res.status).toBe(200);
    expect(res.headers["x-sent-bytes"]).toBe("7");
    expect(res.headers["x-request-id-seen"]).toBe(res.headers["x-request-id"]);
    expect(res.headers["content-type"]).toBe("application/json; charset=utf-8");
    expect(res.text).toBe('{"replaced":true}+app');
    expect(res.headers["content-length"]).toBe(String(Buffer.byteLength(res.text)));
  });

  it("a writeHead before the body waits for the hooks: status and headers kept, the hooks' added", async () => {
    const res = await send(base, "GET", "/head-first");
    expect(res.status).toBe(201);
    expect(res.headers["x-own"]).toBe("kept");
    expect(res.headers["x-sent-bytes"]).toBe("4");
    expect(res.text).toBe("made+app");
  });

  it("onStream puts a transform in front of a streamed body, its headers in the head", async () => {
    const res = await send(base, "GET", "/stream");
    expect(res.status).toBe(200);
    expect(res.headers["x-streamed"]).toBe("yes");
    expect(res.headers["x-sent-bytes"]).toBeUndefined();
    expect(res.text).toBe("ONE TWO THREE");
  });

  it("runs a route's own hooks before the app's", async () => {
    expect((await send(base, "GET", "/own")).text).toBe("body+route+app");
  });

  it("waits for an onSend that returns a promise", async () => {
    expect((await send(base, "GET", "/async")).text).toBe("body+async+app");
  });

  it("gives a 404 problem to the hooks too", async () => {
    const res = await send(base, "GET", "/nothing");
    expect(res.status).toBe(404);
    expect(res.headers["content-type"]).toBe("application/problem+json; charset=utf-8");
    expect(res.text.endsWith("}+app")).toBe(true);
  });

  it("onResponse runs once per request, after the answer, with its status", async () => {
    ended.length = 0;
    await send(base, "GET", "/own");
    await send(base, "GET", "/nothing");
    await new Promise((resolve) => setImmediate(resolve));
    expect(ended).toEqual([
      { route: "/own", status: 200, finished: true },
      { route: undefined, status: 404, finished: true },
    ]);
  });

  it("refuses hooks that are not functions with AEX_ERR_MIDDLEWARE_INVALID", () => {
    expect(() => new Aex().addResponseHooks({ onSend: "nope" as never })).toThrow(
      expect.objectContaining({ code: "AEX_ERR_MIDDLEWARE_INVALID" }),
    );
  });
});

describe("a response hook that fails", () => {
  class Pages {
    @get("/")
    home(_req: AexRequest, res: AexResponse) {
      res.end("home");
    }
  }

  it("is answered by the error path (500 problem) once, without running the hooks again", async () => {
    let calls = 0;
    const seen: number[] = [];
    const aex = new Aex().push(Pages).setErrorHandler((error) => void seen.push(error.status));
    aex.addResponseHooks({
      onSend: () => {
        calls++;
        throw new Error("hook broke");
      },
    });
    const res = await aex.inject().get("/");
    expect(res.status).toBe(500);
    expect(res.headers["content-type"]).toBe("application/problem+json; charset=utf-8");
    expect(res.json()).toMatchObject({ status: 500, title: "Internal Server Error" });
    expect(calls).toBe(1);
    expect(seen).toEqual([500]);
  });

  it("an onResponse that throws is logged and the server keeps serving", async () => {
    const aex = new Aex().push(Pages);
    aex.addResponseHooks({
      onResponse: () => {
        throw new Error("counter broke");
      },
    });
    const base = await listen(aex);
    try {
      expect((await send(base, "GET", "/")).text).toBe("home");
      expect((await send(base, "GET", "/")).text).toBe("home");
    } finally {
      await aex.close();
    }
  });
});

describe("keyed hooks", () => {
  const KEY = Symbol("tag");
  const tag = (value: string): ResponseHooks => ({
    key: KEY,
    onSend: (_q, _s, _c, body) => `${String(body)}#${value}`,
  });

  class Pages {
    @get("/app")
    app(_req: AexRequest, res: AexResponse) {
      res.end("x");
    }

    @get("/replaced")
    @routeHooks("tag(route)", tag("route"))
    replaced(_req: AexRequest, res: AexResponse) {
      res.end("x");
    }

    @get("/removed")
    @routeHooks("tag(false)", { key: KEY })
    removed(_req: AexRequest, res: AexResponse) {
      res.end("x");
    }
  }

  it("a route's own hook replaces the app's with the same key, and a bare key removes it", async () => {
    const client = new Aex().push(Pages).addResponseHooks(tag("app")).inject();
    expect((await client.get("/app")).text()).toBe("x#app");
    expect((await client.get("/replaced")).text()).toBe("x#route");
    expect((await client.get("/removed")).text()).toBe("x");
  });
});

describe("@cache with compress(): the response phase", () => {
  let runs = 0;
  class Catalog {
    @get("/catalog")
    @cache({ ttl: 60 })
    list(_req: AexRequest, res: AexResponse) {
      runs++;
      res.json(big);
    }
  }

  it("stores the body uncompressed and compresses each answer, miss and hit, for its client", async () => {
    const store = new MemoryCacheStore();
    const aex = new Aex().push(Catalog).use(compress()).register(new Cache(store));
    const client = aex.inject();
    const miss = await client.get("/catalog").set({ "accept-encoding": "gzip" });
    expect(miss.headers["x-cache"]).toBe("MISS");
    expect(miss.headers["content-encoding"]).toBe("gzip");
    expect(JSON.parse(gunzipSync(miss.body).toString())).toEqual(big);
    const hit = await client.get("/catalog").set({ "accept-encoding": "gzip" });
    expect(hit.headers["x-cache"]).toBe("HIT");
    expect(hit.headers["content-encoding"]).toBe("gzip");
    expect(JSON.parse(gunzipSync(hit.body).toString())).toEqual(big);
    const plain = await client.get("/catalog");
    expect(plain.headers["x-cache"]).toBe("HIT");
    expect(plain.headers["content-encoding"]).toBeUndefined();
    expect(plain.headers.vary).toBe("Accept-Encoding");
    expect(plain.json()).toEqual(big);
    expect(runs).toBe(1);
    const stored = (await store.get("route:/catalog")) as { body: string };
    expect(JSON.parse(Buffer.from(stored.body, "base64").toString())).toEqual(big);
  });
});

describe("no response has its methods replaced", () => {
  class Catalog {
    @get("/cached")
    @cache({ ttl: 60 })
    cached(_req: AexRequest, res: AexResponse) {
      res.json(big);
    }

    @get("/streamed")
    streamed(_req: AexRequest, res: AexResponse) {
      res.type("text/plain");
      for (let i = 0; i < 20; i++) res.write(`line ${i} ${"-".repeat(200)}\n`);
      res.end();
    }
  }

  it("with compress() and @cache, on misses, hits and streams", async () => {
    const owned: string[][] = [];
    const aex = new Aex().push(Catalog).use(compress());
    aex.addResponseHooks({
      onResponse: (_req, res) =>
        owned.push(["write", "end", "writeHead"].filter((name) => Object.prototype.hasOwnProperty.call(res, name))),
    });
    const base = await listen(aex);
    try {
      for (const path of ["/cached", "/cached", "/streamed"]) {
        const res = await send(base, "GET", path, { headers: { "accept-encoding": "gzip" } });
        expect(res.status).toBe(200);
        expect(res.headers["content-encoding"]).toBe("gzip");
      }
      await new Promise((resolve) => setImmediate(resolve));
      expect(owned).toEqual([[], [], []]);
    } finally {
      await aex.close();
    }
  });
});

describe("the response phase over HTTP/2", () => {
  class Pages {
    @get("/json")
    json(_req: AexRequest, res: AexResponse) {
      res.json(big);
    }
  }

  it("runs the same hooks: compression and onResponse over h2c", async () => {
    const statuses: number[] = [];
    const aex = new Aex().push(Pages).use(compress());
    aex.addResponseHooks({ onResponse: (_req, res) => statuses.push(res.statusCode) });
    await aex.start(0, { host: "127.0.0.1", http2: true });
    const session = connectHttp2(`http://127.0.0.1:${aex.port}`);
    try {
      const { headers, body } = await new Promise<{ headers: Record<string, unknown>; body: Buffer }>(
        (resolve, reject) => {
          const stream = session.request({ ":path": "/json", "accept-encoding": "gzip" });
          const chunks: Buffer[] = [];
          let head: Record<string, unknown> = {};
          stream.on("response", (h) => (head = h));
          stream.on("data", (chunk: Buffer) => chunks.push(chunk));
          stream.on("end", () => resolve({ headers: head, body: Buffer.concat(chunks) }));
          stream.on("error", reject);
          stream.end();
        },
      );
      expect(headers[":status"]).toBe(200);
      expect(headers["content-encoding"]).toBe("gzip");
      expect(headers["x-content-type-options"]).toBe("nosniff");
      expect(JSON.parse(gunzipSync(body).toString())).toEqual(big);
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(statuses).toEqual([200]);
    } finally {
      session.close();
      await aex.close();
    }
  });
});

describe("onResponse when the client goes away", () => {
  it("runs with writableFinished false for an answer cut short", async () => {
    let release!: () => void;
    const ended: boolean[] = [];
    const gone = new Promise<void>((resolve) => (release = resolve));
    class Slow {
      @get("/slow")
      slow(_req: AexRequest, res: AexResponse) {
        res.writeHead(200, { "content-type": "text/plain" });
        res.write("partial");
      }
    }
    const aex = new Aex().push(Slow);
    aex.addResponseHooks({
      onResponse: (_req, res) => {
        ended.push(res.writableFinished);
        release();
      },
    });
    const base = await listen(aex);
    try {
      const req = request(`${base}/slow`, (res) => res.once("data", () => req.destroy()));
      req.on("error", () => undefined);
      req.end();
      await gone;
      expect(ended).toEqual([false]);
    } finally {
      await aex.close();
    }
  });
});
