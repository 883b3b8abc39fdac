import {
  Aex,
  del,
  get,
  HttpError,
  post,
  Router,
  sse,
  type AexOptions,
  type AexRequest,
  type AexResponse,
  type EventStream,
} from "@aex/core";
import { listen, send } from "./support/http";

const PROBLEM = "application/problem+json; charset=utf-8";

// docs/routing.md "Method not allowed": a path with GET and POST routes.
class Notes {
  @get("/notes")
  list(_req: AexRequest, res: AexResponse) {
    res.json([]);
  }

  @post("/notes")
  create(_req: AexRequest, res: AexResponse) {
    res.status(201).json({ created: true });
  }
}

class Note {
  @del("/notes/:id")
  remove(_req: AexRequest, res: AexResponse) {
    res.status(204).end();
  }
}

class Feed {
  @sse("/feed")
  feed(stream: EventStream) {
    stream.send("hello", "world");
    stream.end();
  }
}

/** Notes, one note, an event stream, and a router's route beside a decorated one. */
function notesApp(options: AexOptions = {}): Aex {
  const router = new Router().patch("/notes", async (_req, res) => res.end("patched by the router"));
  return new Aex({ logger: false, ...options }).push(Notes).push(Note).push(Feed).use(router);
}

function problem(status: number, title: string, detail: string, instance: string, code: string, requestId: unknown) {
  return { type: "about:blank", status, title, detail, instance, code, requestId };
}

describe("405 Method Not Allowed over HTTP", () => {
  let aex: Aex;
  let base: string;
  beforeAll(async () => {
    aex = notesApp();
    base = await listen(aex);
  });
  afterAll(() => aex.close());

  it.each([
    ["PUT", "/notes", "GET, HEAD, POST, PATCH, OPTIONS"],
    ["DELETE", "/notes/", "GET, HEAD, POST, PATCH, OPTIONS"],
    ["PUT", "/notes?draft=1", "GET, HEAD, POST, PATCH, OPTIONS"],
    ["GET", "/notes/7", "DELETE, OPTIONS"],
    ["POST", "/feed", "GET, HEAD, OPTIONS"],
  ])("%s %s: 405 with Allow %j and problem details", async (method, url, allow) => {
    const res = await send(base, method, url);
    const path = url.split("?")[0];
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe(allow);
    expect(res.headers["content-type"]).toBe(PROBLEM);
    expect(res.json()).toEqual(
      problem(
        405,
        "Method Not Allowed",
        `${path} does not answer ${method}`,
        path,
        "AEX_METHOD_NOT_ALLOWED",
        res.headers["x-request-id"],
      ),
    );
  });

  it("answers HEAD to a path without GET with the 405 and no body", async () => {
    const res = await send(base, "HEAD", "/notes/7");
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe("DELETE, OPTIONS");
    expect(res.headers["content-type"]).toBe(PROBLEM);
    expect(res.text).toBe("");
  });

  it("still answers HEAD with a GET route, and every route its own method", async () => {
    const head = await send(base, "HEAD", "/notes");
    expect(head.status).toBe(200);
    expect(head.headers.allow).toBeUndefined();
    expect(head.text).toBe("");
    const created = await send(base, "POST", "/notes");
    expect(created.status).toBe(201);
    expect(created.json()).toEqual({ created: true });
    const patched = await send(base, "PATCH", "/notes");
    expect(patched.status).toBe(200);
    expect(patched.text).toBe("patched by the router");
  });

  it("answers OPTIONS itself: 204 with Allow", async () => {
    const res = await send(base, "OPTIONS", "/notes");
    expect(res.status).toBe(204);
    expect(res.headers.allow).toBe("GET, HEAD, POST, PATCH, OPTIONS");
    expect(res.text).toBe("");
  });

  // Regression: `OPTIONS *` (RFC 9110 §9.3.7, the server as a whole) answered 404.
  it("answers OPTIONS * with 204 and every method the app routes, a GET * with the 404", async () => {
    const res = await send(base, "OPTIONS", "*");
    if (process.versions.bun !== undefined) {
      // Bun's own parser refuses the asterisk-form target before the app sees it (docs/runtimes.md).
      expect(res.status).toBe(400);
      return;
    }
    expect(res.status).toBe(204);
    expect(res.headers.allow).toBe("GET, HEAD, POST, PATCH, DELETE, OPTIONS");
    expect(res.text).toBe("");
    const other = await send(base, "GET", "*");
    expect(other.status).toBe(404);
    expect(other.headers.allow).toBeUndefined();
    expect(other.json()).toMatchObject({ status: 404, code: "AEX_NOT_FOUND" });
  });

  it.each([
    ["GET", "/nowhere"],
    ["OPTIONS", "/nowhere"],
    ["GET", "/notes/7/more"],
  ])("keeps the 404 for %s %s, a path without routes", async (method, path) => {
    const res = await send(base, method, path);
    expect(res.status).toBe(404);
    expect(res.headers.allow).toBeUndefined();
    expect(res.json()).toEqual(
      problem(404, "Not Found", `Cannot ${method} ${path}`, path, "AEX_NOT_FOUND", res.headers["x-request-id"]),
    );
  });
});

describe("405 Method Not Allowed in process", () => {
  it("answers inject() like a real request", async () => {
    const aex = notesApp();
    const res = await aex.inject().put("/notes").execute();
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe("GET, HEAD, POST, PATCH, OPTIONS");
    expect(res.headers["content-type"]).toBe(PROBLEM);
    expect(res.json()).toMatchObject({ status: 405, code: "AEX_METHOD_NOT_ALLOWED", instance: "/notes" });
    const head = await aex.inject().head("/notes/7").execute();
    expect(head.status).toBe(405);
    expect(head.headers.allow).toBe("DELETE, OPTIONS");
    expect(head.text()).toBe("");
    await aex.close();
  });

  it("goes through the custom error handler, which finds Allow in error.headers", async () => {
    const seen: { status: number; code?: string; allow: unknown }[] = [];
    const aex = notesApp().setErrorHandler((error: HttpError, _req, res) => {
      seen.push({ status: error.status, code: error.code, allow: error.headers?.Allow });
      res.status(error.status).setHeader("Allow", String(error.headers?.Allow));
      res.end(`custom ${error.status}`);
    });
    const res = await aex.inject().delete("/notes").execute();
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe("GET, HEAD, POST, PATCH, OPTIONS");
    expect(res.text()).toBe("custom 405");
    expect(seen).toEqual([{ status: 405, code: "AEX_METHOD_NOT_ALLOWED", allow: "GET, HEAD, POST, PATCH, OPTIONS" }]);
    await aex.close();
  });

  it("answers the 405 after an asynchronous middleware, before the not-found handler", async () => {
    const notFound: string[] = [];
    const aex = notesApp()
      .use(async (_req, res) => {
        res.setHeader("X-Seen", "yes");
      })
      .setNotFoundHandler(async (req, res) => {
        notFound.push(req.url ?? "");
        res.status(404).end("no such page");
      });
    const res = await aex.inject().put("/notes/7").execute();
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe("DELETE, OPTIONS");
    expect(res.headers["x-seen"]).toBe("yes");
    expect(res.json()).toMatchObject({ status: 405, code: "AEX_METHOD_NOT_ALLOWED" });
    const missing = await aex.inject().get("/elsewhere").execute();
    expect(missing.status).toBe(404);
    expect(missing.text()).toBe("no such page");
    expect(notFound).toEqual(["/elsewhere"]);
    await aex.close();
  });

  it("gives a plain GET to an upgrade-only path 426, other methods 405 with Allow: GET", async () => {
    const aex = new Aex({ logger: false }).push(Notes);
    aex.attachUpgrade("/live", (_req, res) => void res.status(101).end());
    const plain = await aex.inject().get("/live").execute();
    expect(plain.status).toBe(426);
    expect(plain.headers.upgrade).toBe("websocket");
    expect(plain.headers.allow).toBeUndefined();
    expect(plain.json()).toMatchObject({
      status: 426,
      title: "Upgrade Required",
      detail: "GET /live needs a WebSocket upgrade",
      code: "AEX_UPGRADE_REQUIRED",
    });
    const posted = await aex.inject().post("/live").execute();
    expect(posted.status).toBe(405);
    expect(posted.headers.allow).toBe("GET, OPTIONS");
    expect(posted.json()).toMatchObject({ code: "AEX_METHOD_NOT_ALLOWED" });
    await aex.close();
  });
  it("keeps the 404 beside an upgrade handler of every path, which names no path", async () => {
    const aex = new Aex({ logger: false }).push(Notes);
    aex.attachUpgrade("*", (_req, res) => void res.status(101).end());
    const res = await aex.inject().get("/typo").execute();
    expect(res.status).toBe(404);
    expect(res.headers.upgrade).toBeUndefined();
    expect(res.json()).toMatchObject({ status: 404, code: "AEX_NOT_FOUND" });
    const put = await aex.inject().put("/notes").execute();
    expect(put.status).toBe(405);
    expect(put.headers.allow).toBe("GET, HEAD, POST, OPTIONS");
    await aex.close();
  });
});

describe("methodNotAllowed: false", () => {
  it("answers the 404 of an unknown path, over HTTP and in process", async () => {
    // docs/routing.md: opting out.
    const aex = new Aex({ methodNotAllowed: false }).push(Notes).push(Note);
    const base = await listen(aex);
    try {
      for (const method of ["PUT", "OPTIONS", "HEAD"]) {
        const res = await send(base, method, "/notes/7");
        expect(res.status).toBe(404);
        expect(res.headers.allow).toBeUndefined();
      }
      const put = await send(base, "PUT", "/notes");
      expect(put.status).toBe(404);
      expect(put.headers.allow).toBeUndefined();
      expect(put.json()).toMatchObject({ status: 404, code: "AEX_NOT_FOUND", detail: "Cannot PUT /notes" });
      const injected = await aex.inject().options("/notes").execute();
      expect(injected.status).toBe(404);
      expect(injected.json()).toMatchObject({ code: "AEX_NOT_FOUND" });
    } finally {
      await aex.close();
    }
  });
});

describe("the routing guide's example", () => {
  it("answers 405 with the path's methods", async () => {
    const aex = new Aex().push(Notes);
    const res = await aex.inject().put("/notes").execute();
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe("GET, HEAD, POST, OPTIONS");
    expect(res.json()).toMatchObject({ code: "AEX_METHOD_NOT_ALLOWED" });
    await aex.close();
  });
});
