// @decorator-modes both: @sends and @receives, their arguments, and what they record beside @ws, @sse and guards.
import { Parser } from "@asyncapi/parser";
import {
  Aex,
  filter,
  get,
  params,
  query,
  sse,
  AexError,
  type AexRequest,
  type AexResponse,
  type EventStream,
  type Scope,
} from "@aex/core";
import { apiKey, auth, roles, signJwt } from "@aex/auth";
import { asyncapi, asyncapiOf, buildAsyncApi, receives, sends } from "@aex/asyncapi";
import { summary } from "@aex/openapi";
import { ws, type WebSocketHandler } from "@aex/ws";
import { toJsonSchema } from "@valibot/to-json-schema";
import Ajv from "ajv";
import * as v from "valibot";
import { z } from "zod";
import { listen, send } from "./support/http";

const SECRET = "a-test-secret-that-is-long-enough-for-hs256";
const KEY = "a-feed-key-of-16-chars-or-more";

const Say = z.object({ text: z.string().min(1).max(500) });
const Said = z.object({ user: z.string(), text: z.string() });
const Joined = { type: "object", properties: { user: { type: "string" } }, required: ["user"] } as const;
const Tick = z.object({ n: z.number().int().min(0) });

class Chat {
  @ws("/chat/:room")
  @summary("A chat room", "Everyone in the room gets what anyone says.")
  @params(z.object({ room: z.enum(["lobby", "dev"]) }))
  @query(z.object({ lang: z.string().optional() }))
  @auth({ keys: SECRET })
  @roles("member")
  @receives("say", Say, "A line to say in the room")
  @sends("said", Said, "A line someone said")
  @sends("joined", Joined)
  join(handler: WebSocketHandler, scope: Scope) {
    const room = String(scope.params.room);
    const user = String((scope.user as { sub: string }).sub);
    handler.join(room);
    handler.send("joined", { user });
    handler.on("say", (data: { text: string }) => handler.to(room).send("said", { user, text: data.text }));
  }

  @ws("/echo")
  echo(handler: WebSocketHandler) {
    handler.on("ping", (data: unknown) => handler.send("pong", data));
  }
}

class Feed {
  @sse("/feed/:topic")
  @filter({ query: { since: { type: "int", min: 0 } } })
  @apiKey({ keys: [KEY] })
  @sends("tick", Tick, "A tick of the topic")
  @sends("status", { type: "string" }, "How the topic is doing, as text")
  feed(stream: EventStream) {
    stream.send("tick", { n: 1 });
    stream.send("status", "calm");
  }

  @sse("/events")
  events(stream: EventStream) {
    stream.send("anything", { at: 1 });
  }

  @get("/health")
  health(_req: AexRequest, res: AexResponse) {
    res.end("ok");
  }
}

type Doc = {
  asyncapi: string;
  info: { title: string; version: string; description?: string };
  servers?: Record<string, Record<string, unknown>>;
  defaultContentType: string;
  channels: Record<string, Record<string, unknown> & { messages: Record<string, Record<string, unknown>> }>;
  operations: Record<string, Record<string, unknown>>;
  components?: Record<string, Record<string, unknown>>;
};

const realtimeApp = () => new Aex().push(Chat).push(Feed);
const OPTIONS = {
  info: { title: "Realtime", version: "2.0.0", description: "Chat and feeds" },
  servers: [{ url: "https://rt.example.com/v2", description: "Production" }],
};

/** The AsyncAPI project's own parser, loaded once for the file (it is slow to load). */
let parser: Parser;
beforeAll(() => {
  parser = new Parser();
});

type Diagnostics = Awaited<ReturnType<Parser["validate"]>>;

/** The errors and warnings among the parser's diagnostics (its hints and information left out). */
const seriousOf = (diagnostics: Diagnostics): string[] =>
  diagnostics
    .filter((d) => d.severity <= 1) // 0 error, 1 warning
    .map((d) => `${d.code} at ${d.path.join("/")}: ${d.message}`);

/** The parser's errors and warnings about a document. */
async function problems(document: unknown): Promise<string[]> {
  return seriousOf(await parser.validate(typeof document === "string" ? document : JSON.stringify(document)));
}

describe("buildAsyncApi(routes)", () => {
  const doc = buildAsyncApi(realtimeApp().routes(), OPTIONS) as Doc;

  it("is valid AsyncAPI 3.0.0 by the AsyncAPI project's parser (@asyncapi/parser): no error, no warning", async () => {
    expect(doc.asyncapi).toBe("3.0.0");
    expect(await problems(doc)).toEqual([]);
  });

  it("has a channel per @ws and @sse route path, with its parameters; plain HTTP routes stay out", () => {
    expect(Object.keys(doc.channels)).toEqual(["chat_room", "echo", "feed_topic", "events"]);
    const chat = doc.channels.chat_room;
    expect(chat.address).toBe("/chat/{room}");
    expect(chat.title).toBe("Chat.join");
    expect(chat.summary).toBe("A chat room");
    expect(chat.description).toBe("Everyone in the room gets what anyone says.");
    // @params(schema)'s enum is what AsyncAPI 3.0's Parameter Object can say.
    expect(chat.parameters).toEqual({ room: { enum: ["lobby", "dev"] } });
    // The upgrade request's query, from @query(schema), in the WebSocket binding.
    expect(chat.bindings).toEqual({
      ws: {
        method: "GET",
        query: { type: "object", properties: { lang: { type: "string" } } },
        bindingVersion: "0.1.0",
      },
    });
    expect(doc.channels.feed_topic.address).toBe("/feed/{topic}");
    expect(doc.channels.feed_topic.parameters).toEqual({ topic: {} });
    expect(doc.channels.feed_topic.bindings).toBeUndefined();
  });

  it("has the servers of each base URL: wss for the @ws channels, https for the @sse ones", () => {
    expect(doc.servers).toEqual({
      "server-ws": { host: "rt.example.com", pathname: "/v2", description: "Production", protocol: "wss" },
      "server-http": { host: "rt.example.com", pathname: "/v2", description: "Production", protocol: "https" },
    });
    expect(doc.channels.chat_room.servers).toEqual([{ $ref: "#/servers/server-ws" }]);
    expect(doc.channels.feed_topic.servers).toEqual([{ $ref: "#/servers/server-http" }]);
    expect(doc.info).toEqual(OPTIONS.info);
    expect(doc.defaultContentType).toBe("application/json");
  });

  it("@sends/@receives are a WebSocket channel's messages, each payload the { event, data } envelope", () => {
    const { messages } = doc.channels.chat_room;
    expect(Object.keys(messages)).toEqual(["say", "said", "joined", "error"]);
    expect(messages.say).toEqual({
      name: "say",
      title: "say",
      summary: "A line to say in the room",
      payload: {
        type: "object",
        properties: {
          event: { const: "say" },
          // What a client sends: the schema's input, as JSON Schema draft-07 (AsyncAPI's base).
          data: {
            type: "object",
            properties: { text: { type: "string", minLength: 1, maxLength: 500 } },
            required: ["text"],
          },
        },
        required: ["event", "data"],
      },
    });
    // What the app sends: the schema's output (zod closes an output object).
    expect((messages.said.payload as { properties: { data: unknown } }).properties.data).toEqual({
      type: "object",
      properties: { user: { type: "string" }, text: { type: "string" } },
      required: ["user", "text"],
      additionalProperties: false,
    });
    // A JSON Schema is taken as it is.
    expect((messages.joined.payload as { properties: { data: unknown } }).properties.data).toEqual(Joined);
    // Every WebSocket channel may send the error event Aex answers a message it cannot take with.
    expect(messages.error).toEqual({ $ref: "#/components/messages/aexWsError" });
    expect(doc.components?.messages.aexWsError).toMatchObject({ name: "error" });
  });

  it("an @sse channel's messages are its event names with their data; a string's data is text/plain", () => {
    const { messages } = doc.channels.feed_topic;
    expect(messages).toEqual({
      tick: {
        name: "tick",
        title: "tick",
        summary: "A tick of the topic",
        payload: {
          type: "object",
          properties: { n: { type: "integer", minimum: 0, maximum: Number.MAX_SAFE_INTEGER } },
          required: ["n"],
          additionalProperties: false,
        },
      },
      status: {
        name: "status",
        title: "status",
        summary: "How the topic is doing, as text",
        contentType: "text/plain",
        payload: { type: "string" },
      },
    });
  });

  it("has a receive and a send operation per route, with the route's guards as security and @roles as x-aex-roles", () => {
    expect(Object.keys(doc.operations)).toEqual([
      "Chat_join_receive",
      "Chat_join_send",
      "Chat_echo_receive",
      "Chat_echo_send",
      "Feed_feed_send",
      "Feed_events_send",
    ]);
    expect(doc.operations.Chat_join_receive).toEqual({
      action: "receive",
      channel: { $ref: "#/channels/chat_room" },
      title: "Chat.join receives",
      tags: [{ name: "Chat" }],
      messages: [{ $ref: "#/channels/chat_room/messages/say" }],
      security: [{ $ref: "#/components/securitySchemes/bearerAuth" }],
      "x-aex-roles": ["member"],
    });
    expect(doc.operations.Chat_join_send.messages).toEqual([
      { $ref: "#/channels/chat_room/messages/said" },
      { $ref: "#/channels/chat_room/messages/joined" },
      { $ref: "#/channels/chat_room/messages/error" },
    ]);
    // The stream's query, from @filter rules, in the operation's HTTP binding.
    expect(doc.operations.Feed_feed_send).toEqual({
      action: "send",
      channel: { $ref: "#/channels/feed_topic" },
      title: "Feed.feed sends",
      tags: [{ name: "Feed" }],
      messages: [{ $ref: "#/channels/feed_topic/messages/tick" }, { $ref: "#/channels/feed_topic/messages/status" }],
      security: [{ $ref: "#/components/securitySchemes/apiKey" }],
      bindings: {
        http: {
          method: "GET",
          query: {
            type: "object",
            properties: { since: { type: "integer", minimum: 0, "x-aex-rule": "int" } },
          },
          bindingVersion: "0.3.0",
        },
      },
    });
    // An API key in a header is AsyncAPI's httpApiKey (its apiKey is a user/password field).
    expect(doc.components?.securitySchemes).toEqual({
      bearerAuth: { type: "http", scheme: "bearer", bearerFormat: "JWT" },
      apiKey: { type: "httpApiKey", in: "header", name: "X-API-Key" },
    });
  });

  it("a route that declares nothing carries any event, both ways on a WebSocket", () => {
    expect(doc.channels.echo.messages).toEqual({
      message: {
        title: "Any event",
        summary: "Declare the route's events with @sends and @receives",
        payload: {
          type: "object",
          properties: { event: { type: "string" }, data: {} },
          required: ["event"],
        },
      },
      error: { $ref: "#/components/messages/aexWsError" },
    });
    expect(doc.operations.Chat_echo_receive.messages).toEqual([{ $ref: "#/channels/echo/messages/message" }]);
    expect(doc.operations.Chat_echo_send.messages).toEqual([
      { $ref: "#/channels/echo/messages/message" },
      { $ref: "#/channels/echo/messages/error" },
    ]);
    expect(doc.channels.events.messages).toEqual({
      message: { title: "Any event", summary: "Declare the route's events with @sends and @receives", payload: {} },
    });
    expect(doc.operations.Chat_echo_receive.security).toBeUndefined();
  });

  it("valibot and other libraries without ~standard.jsonSchema: through toJsonSchema", () => {
    class Ticks {
      @sse("/ticks")
      @sends("tick", v.object({ n: v.number() }))
      ticks() {}
    }
    const routes = new Aex().push(Ticks).routes();
    const converted = buildAsyncApi(routes, {
      toJsonSchema: (schema) => ({ ...toJsonSchema(schema as never) }),
    }) as Doc;
    expect(converted.channels.ticks.messages.tick.payload).toEqual({
      type: "object",
      properties: { n: { type: "number" } },
      required: ["n"],
    });
    // Without a converter the document says "any value", and stays valid.
    const unknown = buildAsyncApi(routes) as Doc;
    expect(unknown.channels.ticks.messages.tick.payload).toEqual({});
  });

  it("with no server given, no servers; guards that are all optional, no security", async () => {
    class Open {
      @ws("/open")
      @auth({ keys: SECRET, optional: true })
      open() {}
    }
    const open = buildAsyncApi(new Aex().push(Open).routes()) as Doc;
    expect(open.servers).toBeUndefined();
    expect(open.channels.open.servers).toBeUndefined();
    expect(open.operations.Open_open_receive.security).toBeUndefined();
    expect(open.components?.securitySchemes).toBeUndefined();
    expect(open.info).toEqual({ title: "Aex app", version: "1.0.0" });
    expect(await problems(open)).toEqual([]);
  });
});

describe("the document says what goes over the wire", () => {
  const doc = buildAsyncApi(realtimeApp().routes(), OPTIONS) as Doc;
  const ajv = new Ajv({ strict: false });
  /** Checks one message against the documented payload of channel `channel`'s message `key`. */
  const matches = (channel: string, key: string, message: unknown) => {
    const check = ajv.compile(doc.channels[channel].messages[key].payload as object);
    return check(message) ? [] : check.errors;
  };

  it("a @ws route: refused without the documented bearer token; with it, each frame matches its message", async () => {
    const aex = realtimeApp();
    try {
      const refused = await aex.inject().ws("/chat/lobby");
      expect(refused.status).toBe(401);
      expect(refused.socket).toBeNull();
      const token = await signJwt({ sub: "ada", roles: ["member"] }, SECRET);
      const { status, socket } = await aex.inject().ws("/chat/lobby", { authorization: `Bearer ${token}` });
      expect(status).toBe(101);
      expect(matches("chat_room", "joined", { event: "joined", data: await socket!.next("joined") })).toEqual([]);
      const say = { event: "say", data: { text: "hello" } };
      expect(matches("chat_room", "say", say)).toEqual([]);
      socket!.send(say.event, say.data);
      const said = { event: "said", data: await socket!.next("said") };
      expect(said).toEqual({ event: "said", data: { user: "ada", text: "hello" } });
      expect(matches("chat_room", "said", said)).toEqual([]);
      socket!.sendRaw("not json");
      const error = { event: "error", data: await socket!.next("error") };
      expect(error.data).toMatchObject({ code: "AEX_WS_INVALID_JSON" });
      const wsError = doc.components!.messages.aexWsError as { payload: object };
      const check = ajv.compile(wsError.payload);
      expect(check(error) ? [] : check.errors).toEqual([]);
      socket!.close();
    } finally {
      await aex.close();
    }
  });

  it("an @sse route: refused without the documented API key; with it, each event's data matches its message", async () => {
    const aex = realtimeApp();
    try {
      const refused = await aex.inject().sse("/feed/news");
      expect(refused.status).toBe(401);
      const stream = await aex.inject().sse("/feed/news?since=3", { headers: { "x-api-key": KEY } });
      expect(stream.status).toBe(200);
      expect(stream.headers["content-type"]).toMatch(/^text\/event-stream/);
      const tick = await stream.next();
      expect(tick.event).toBe("tick");
      expect(matches("feed_topic", "tick", JSON.parse(tick.data))).toEqual([]);
      const status = await stream.next();
      expect(status).toMatchObject({ event: "status", data: "calm" }); // text/plain: the string itself
      stream.close();
    } finally {
      await aex.close();
    }
  });
});

describe("asyncapi(options)", () => {
  it("serves the document as JSON and YAML (GET and HEAD) over a real port; the parser reads both", async () => {
    const aex = realtimeApp().register(asyncapi(OPTIONS));
    const base = await listen(aex);
    try {
      const json = await send(base, "GET", "/asyncapi.json");
      expect(json.status).toBe(200);
      expect(json.headers["content-type"]).toBe("application/json; charset=utf-8");
      expect(JSON.parse(json.text)).toEqual(buildAsyncApi(aex.routes(), OPTIONS));
      const yaml = await send(base, "GET", "/asyncapi.yaml?v=1");
      expect(yaml.status).toBe(200);
      expect(yaml.headers["content-type"]).toBe("application/yaml; charset=utf-8");
      expect(yaml.text).toMatch(/^asyncapi: "3\.0\.0"\ninfo:\n {2}title: Realtime\n/);
      // One parse validates too: its diagnostics are validate()'s.
      const { document, diagnostics } = await parser.parse(yaml.text);
      expect(seriousOf(diagnostics)).toEqual([]);
      expect(
        document
          ?.channels()
          .all()
          .map((channel) => channel.address()),
      ).toEqual(["/chat/{room}", "/echo", "/feed/{topic}", "/events"]);
      const head = await send(base, "HEAD", "/asyncapi.json");
      expect(head.status).toBe(200);
      expect(head.headers["content-length"]).toBe(String(Buffer.byteLength(json.text)));
      expect(head.text).toBe("");
      const other = await send(base, "POST", "/asyncapi.json");
      expect(other.status).toBe(404);
    } finally {
      await aex.close();
    }
  });

  it("serves at the paths it is given; asyncapiOf(app) is the document it serves, options over its own", async () => {
    const aex = realtimeApp().register(asyncapi({ ...OPTIONS, jsonPath: "/docs/async.json", yamlPath: "/docs/async" }));
    const served = (await aex.inject().get("/docs/async.json")).json<Doc>();
    expect(served.info.title).toBe("Realtime");
    expect((await aex.inject().get("/docs/async")).text()).toMatch(/^asyncapi: "3\.0\.0"/);
    expect((await aex.inject().get("/asyncapi.json")).status).toBe(404);
    expect(asyncapiOf(aex)).toEqual(served);
    const retitled = asyncapiOf(aex, { info: { title: "Other" }, servers: [] }) as Doc;
    expect(retitled.info).toEqual({ ...OPTIONS.info, title: "Other" });
    expect(retitled.servers).toBeUndefined();
    expect((asyncapiOf(new Aex().push(Chat)) as Doc).info.title).toBe("Aex app");
    await aex.close();
  });

  it("refuses paths and servers it cannot use when called: AEX_ERR_ASYNCAPI_OPTIONS", () => {
    const code = (run: () => unknown) => {
      try {
        run();
      } catch (error) {
        return [(error as AexError).code, (error as Error).message];
      }
      return undefined;
    };
    expect(code(() => asyncapi({ jsonPath: "asyncapi.json" }))?.[0]).toBe("AEX_ERR_ASYNCAPI_OPTIONS");
    expect(code(() => asyncapi({ yamlPath: "/docs/" }))?.[0]).toBe("AEX_ERR_ASYNCAPI_OPTIONS");
    expect(code(() => asyncapi({ servers: [{ url: "ftp://files.example.com" }] }))).toEqual([
      "AEX_ERR_ASYNCAPI_OPTIONS",
      expect.stringContaining("servers[0].url must be an http(s) or ws(s) URL"),
    ]);
    expect(code(() => asyncapi({ servers: [{ url: "http://a.example.com", name: "a b" }] }))?.[0]).toBe(
      "AEX_ERR_ASYNCAPI_OPTIONS",
    );
    expect(code(() => buildAsyncApi([], { servers: [{ url: "not a url" }] }))?.[0]).toBe("AEX_ERR_ASYNCAPI_OPTIONS");
    // ws:// and wss:// base URLs name the same servers as http:// and https://.
    class One {
      @ws("/one")
      one() {}
    }
    const doc = buildAsyncApi(new Aex().push(One).routes(), {
      servers: [{ url: "ws://localhost:3000" }, { url: "wss://edge.example.com", name: "edge" }],
    }) as Doc;
    expect(doc.servers).toEqual({
      "server-ws": { host: "localhost:3000", protocol: "ws" },
      "edge-ws": { host: "edge.example.com", protocol: "wss" },
    });
  });
});

describe("@sends(event, schema?, description?) and @receives(event, schema?, description?)", () => {
  const prepareError = (Class: new () => object) => {
    const aex = new Aex().push(Class).register(asyncapi());
    try {
      aex.prepare();
    } catch (error) {
      return [(error as AexError).code, (error as Error).message];
    }
    return undefined;
  };

  it("on a method with no @ws or @sse route: AEX_ERR_ASYNCAPI_MESSAGE at prepare()", () => {
    class Plain {
      @get("/plain")
      @sends("news")
      plain() {}
    }
    expect(prepareError(Plain)).toEqual([
      "AEX_ERR_ASYNCAPI_MESSAGE",
      expect.stringContaining("Plain.plain has @sends/@receives but no @ws or @sse route"),
    ]);
    expect(() => buildAsyncApi(new Aex().push(Plain).routes())).toThrow(
      expect.objectContaining({ code: "AEX_ERR_ASYNCAPI_MESSAGE" }),
    );
  });

  it("@receives on an @sse route, or one event declared twice: AEX_ERR_ASYNCAPI_MESSAGE at prepare()", () => {
    class Stream {
      @sse("/stream")
      @receives("ack")
      stream() {}
    }
    expect(prepareError(Stream)).toEqual([
      "AEX_ERR_ASYNCAPI_MESSAGE",
      expect.stringContaining('Stream.stream @receives("ack"): an @sse route only sends'),
    ]);
    class Twice {
      @ws("/twice")
      @sends("news", { type: "string" })
      @sends("news", { type: "number" })
      twice() {}
    }
    expect(prepareError(Twice)).toEqual([
      "AEX_ERR_ASYNCAPI_MESSAGE",
      expect.stringContaining('Twice.twice declares @sends("news") twice'),
    ]);
  });

  it("refuses arguments it cannot use when called: AEX_ERR_DECORATOR_ARGS", () => {
    expect(() => sends("")).toThrow(expect.objectContaining({ code: "AEX_ERR_DECORATOR_ARGS" }));
    expect(() => receives("say", "text" as never)).toThrow(expect.objectContaining({ code: "AEX_ERR_DECORATOR_ARGS" }));
    expect(() => sends("said", undefined, 3 as never)).toThrow(
      expect.objectContaining({ code: "AEX_ERR_DECORATOR_ARGS" }),
    );
  });

  it("a subclass inherits its parent's declarations; both modes record them in written order", () => {
    class Base {
      @ws("/base")
      @sends("a")
      @receives("b")
      @sends("c")
      base() {}
    }
    class Child extends Base {}
    const doc = buildAsyncApi(new Aex().push(Child).routes()) as Doc;
    expect(Object.keys(doc.channels.base.messages)).toEqual(["a", "b", "c", "error"]);
    expect(doc.operations.Child_base_send.messages).toEqual([
      { $ref: "#/channels/base/messages/a" },
      { $ref: "#/channels/base/messages/c" },
      { $ref: "#/channels/base/messages/error" },
    ]);
  });
});
