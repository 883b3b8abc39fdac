import { Aex } from "@aex/core";
import { WebSocketServer } from "@aex/ws";
import { TestClient } from "./support/client";

type Bag = Record<string, unknown>;

// The victim: a deep merge that follows __proto__ and constructor.prototype.
function naiveMerge(target: Bag, source: unknown): Bag {
  if (typeof source !== "object" || source === null) return target;
  for (const key of Object.keys(source)) {
    const value = (source as Bag)[key];
    if (typeof value === "object" && value !== null) {
      const current = target[key];
      if ((typeof current !== "object" && typeof current !== "function") || current === null) target[key] = {};
      naiveMerge(target[key] as Bag, value);
    } else target[key] = value;
  }
  return target;
}

describe("WebSocket messages: the parsed-input rules of core", () => {
  let aex: Aex;
  let url: string;
  const heardByServer: unknown[] = [];

  beforeAll(async () => {
    aex = new Aex({ limits: { jsonDepth: 8 } });
    const server = await aex.start(0, "127.0.0.1");
    const ws = new WebSocketServer(server);
    ws.on(WebSocketServer.ENTER, (handler) => {
      handler.on("merge", (data: unknown) => {
        naiveMerge({}, data);
        handler.send("merged", { data, polluted: ({} as Bag).p ?? null });
      });
    });
    ws.on("merge", (data: unknown) => heardByServer.push(data));
    url = `ws://127.0.0.1:${aex.port}/`;
  });
  afterAll(() => aex.close());
  afterEach(() => {
    delete (Object.prototype as Bag).p;
  });

  it('regression: {"event":…,"data":{"__proto__":…}} is stripped before any listener sees it', async () => {
    const client = await TestClient.open(url);
    try {
      const messages = [
        '{"event":"merge","data":{"__proto__":{"p":1},"ok":1}}',
        '{"event":"merge","data":{"\\u005f\\u005fproto\\u005f\\u005f":{"p":1},"ok":1}}',
        '{"event":"merge","data":{"\\u0063onstructor":{"\\u0070rototype":{"p":1}},"ok":1}}',
        '{"event":"merge","data":[{"a":{"__proto__":{"p":1}}}],"__proto__":{"p":1}}',
      ];
      for (const text of messages) client.socket.send(text);
      expect(await client.next("merged")).toEqual({ data: { ok: 1 }, polluted: null });
      expect(await client.next("merged")).toEqual({ data: { ok: 1 }, polluted: null });
      expect(await client.next("merged")).toEqual({ data: { ok: 1 }, polluted: null });
      expect(await client.next("merged")).toEqual({ data: [{ a: {} }], polluted: null });
      expect(heardByServer).toEqual([{ ok: 1 }, { ok: 1 }, { ok: 1 }, [{ a: {} }]]);
    } finally {
      client.close();
    }
  });

  it("answers a message nested deeper than limits.jsonDepth with AEX_WS_TOO_DEEP, and stays open", async () => {
    const client = await TestClient.open(url);
    try {
      client.socket.send(`{"event":"merge","data":${"[".repeat(20)}${"]".repeat(20)}}`);
      expect(await client.next("error")).toEqual({
        code: "AEX_WS_TOO_DEEP",
        message: "the message nests deeper than the app's limits.jsonDepth (default 64)",
      });
      client.send("merge", { ok: 2 });
      expect(await client.next("merged")).toEqual({ data: { ok: 2 }, polluted: null });
    } finally {
      client.close();
    }
  });
});
