import { connect } from "node:net";
import { Aex, get, Router, type AexRequest, type AexResponse, type Scope } from "@aex/core";
import { addRoute, methodDecorator, type AexMethodDecorator } from "@aex/core/plugin";
import { listen, send } from "./support/http";

// One routing contract, three ways to declare routes: decorated controllers, a `Router`, and
// upgrade routes (what `@ws` records). The same requests must get the same answers from each,
// with the app's limits (here `maxParamLength: 20`) applied to all three.

type Handler = (req: AexRequest, res: AexResponse, scope: Scope) => void;

/** The routes of the contract: pattern and what the handler answers. */
const ROUTES: readonly [string, Handler][] = [
  ["/user/me", (_req, res) => res.end("static me")],
  ["/user/:id", (_req, res, scope) => res.end(`param ${scope.params.id}`)],
  ["/user/:id/posts/:post", (_req, res, scope) => res.end(`posts ${scope.params.id} ${scope.params.post}`)],
  ["/user/*rest", (_req, res, scope) => res.end(`wildcard ${scope.params.rest}`)],
  ["/café", (_req, res) => res.end("coffee")],
];

/** An upgrade route, recorded as `@ws` records one (packages/ws/src/ws-route.ts). */
const upgradeRoute = (url: string): AexMethodDecorator =>
  methodDecorator((holder, key) =>
    addRoute(holder, key, { methods: ["GET"], urls: [url], compact: false, upgrade: true }),
  );

/** A controller with one method per route, decorated by `decorate`. */
function controller(decorate: (url: string) => AexMethodDecorator): new () => object {
  class Routes {}
  ROUTES.forEach(([url, handler], i) => {
    const name = `route${i}`;
    Object.defineProperty(Routes.prototype, name, { value: handler, writable: true, configurable: true });
    // As TypeScript's legacy emit applies a method decorator.
    const descriptor = Object.getOwnPropertyDescriptor(Routes.prototype, name);
    (decorate(url) as unknown as (target: object, key: string, descriptor?: PropertyDescriptor) => void)(
      Routes.prototype,
      name,
      descriptor,
    );
  });
  return Routes;
}

interface Answer {
  status: number;
  body: string;
}

const KINDS: Record<string, { app(): Aex; ask(base: string, path: string): Promise<Answer> }> = {
  "decorated routes": {
    app: () => new Aex({ maxParamLength: 20 }).push(controller((url) => get(url) as AexMethodDecorator)),
    ask: askHttp,
  },
  "Router routes": {
    app: () => {
      const router = new Router();
      for (const [url, handler] of ROUTES) router.get(url, async (req, res, scope) => handler(req, res, scope));
      return new Aex({ maxParamLength: 20 }).use(router);
    },
    ask: askHttp,
  },
  "upgrade routes": {
    app: () => new Aex({ maxParamLength: 20 }).push(controller(upgradeRoute)),
    ask: askUpgrade,
  },
};

async function askHttp(base: string, path: string): Promise<Answer> {
  const res = await send(base, "GET", path);
  return { status: res.status, body: res.text };
}

/** Sends an upgrade request over a raw socket and reads the answer until the server closes. */
function askUpgrade(base: string, path: string): Promise<Answer> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(url.port), url.hostname, () =>
      socket.write(
        `GET ${path} HTTP/1.1\r\nHost: ${url.host}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n` +
          "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n",
      ),
    );
    const chunks: Buffer[] = [];
    socket.on("data", (chunk) => chunks.push(chunk));
    socket.on("error", reject);
    socket.on("close", () => {
      const text = Buffer.concat(chunks).toString("utf8");
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0);
      const [head, ...rest] = text.split("\r\n\r\n");
      const chunked = /\r\ntransfer-encoding: chunked/i.test(head);
      resolve({ status, body: chunked ? unchunk(rest.join("\r\n\r\n")) : rest.join("\r\n\r\n") });
    });
  });
}

function unchunk(body: string): string {
  let out = "";
  let rest = body;
  for (;;) {
    const [size, ...after] = rest.split("\r\n");
    const length = parseInt(size, 16);
    if (!(length > 0)) return out;
    const data = after.join("\r\n");
    out += data.slice(0, length);
    rest = data.slice(length + 2);
  }
}

describe.each(Object.keys(KINDS))("the routing contract: %s", (kind) => {
  let aex: Aex;
  let base: string;
  const ask = (path: string) => KINDS[kind].ask(base, path);

  beforeAll(async () => {
    aex = KINDS[kind].app();
    base = await listen(aex);
  });
  afterAll(() => aex.close());

  it.each([
    ["/user/me", "static me"],
    ["/user/12", "param 12"],
    ["/user/12/posts/3", "posts 12 3"],
    ["/user/12/likes/3", "wildcard 12/likes/3"],
    // "/user/me" is static, but "/user/meg" must still reach :id.
    ["/user/meg", "param meg"],
    ["/user/J%C3%BCrgen%20S?x=/user/me", "param Jürgen S"],
    ["/user/me/", "static me"],
    ["/caf%C3%A9", "coffee"],
  ])("GET %s answers %j", async (path, body) => {
    expect(await ask(path)).toEqual({ status: 200, body });
  });

  it("answers 400 AEX_PARAM_MALFORMED for a malformed escape in a parameter", async () => {
    const answer = await ask("/user/%E0%A4%A");
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.body)).toMatchObject({ status: 400, code: "AEX_PARAM_MALFORMED" });
  });

  it("regression: applies the app's maxParamLength (414 AEX_PARAM_TOO_LONG), a Router too", async () => {
    expect((await ask(`/user/${"x".repeat(20)}`)).status).toBe(200);
    const answer = await ask(`/user/${"x".repeat(21)}`);
    expect(answer.status).toBe(414);
    expect(JSON.parse(answer.body)).toMatchObject({ status: 414, code: "AEX_PARAM_TOO_LONG" });
  });

  it("answers 404 AEX_NOT_FOUND for a path with no route", async () => {
    const answer = await ask("/nothing/here");
    expect(answer.status).toBe(404);
    expect(JSON.parse(answer.body)).toMatchObject({ status: 404, code: "AEX_NOT_FOUND" });
  });
});

describe("Router({ maxParamLength })", () => {
  it("wins over the app's limit", async () => {
    const router = new Router({ maxParamLength: 5 });
    router.get("/p/:id", async (_req, res, scope) => res.end(scope.params.id));
    const client = new Aex({ maxParamLength: 100 }).use(router).inject();
    expect((await client.get("/p/12345").execute()).text()).toBe("12345");
    expect((await client.get("/p/123456").execute()).status).toBe(414);
  });
});
