import type { RouteInfo } from "@aex/core/plugin";
import { docOf, type JsonSchema, type ToJsonSchema } from "@aex/openapi";
import { channelAddress, toKey, uniqueKey } from "./channel-address";
import { asyncapiSetupError } from "./errors";
import { messagesOf, type MessageAction, type MessageDoc } from "./message-doc";
import { dataSchema, requestSchemas } from "./route-schemas";
import { securityOf } from "./security";
import { serversOf, type AsyncApiServerOption } from "./servers";

/** Options of the generated document. */
export interface AsyncApiOptions {
  /** The document's `info`; `title` and `version` default to "Aex app" and "1.0.0". */
  info?: {
    /** The API's name. */
    title?: string;
    /** The API's version (not AsyncAPI's). */
    version?: string;
    /** What the API is for (Markdown). */
    description?: string;
  };
  /** Where the app is served: each base URL gives a `ws`/`wss` and an `http`/`https` server. */
  servers?: AsyncApiServerOption[];
  /** Converts a Standard Schema that has no `~standard.jsonSchema` (e.g. valibot's `toJsonSchema`). */
  toJsonSchema?: ToJsonSchema;
}

/** `ws`: a `@ws` route; `sse`: an `@sse` route (a `text/event-stream` answer). */
type Kind = "ws" | "sse";

const kindOf = (route: RouteInfo): Kind | null =>
  route.upgrade === true ? "ws" : route.produces === "text/event-stream" ? "sse" : null;

/** The `error` event Aex sends a WebSocket client about a message it could not take. */
const WS_ERROR: JsonSchema = {
  name: "error",
  title: "Error",
  summary: "A message the server could not take (not JSON, no event, a reserved event…); the connection stays open",
  payload: envelope("error", {
    type: "object",
    properties: { code: { type: "string", pattern: "^AEX_WS_" }, message: { type: "string" } },
    required: ["code", "message"],
  }),
};

/** A WebSocket message as it travels, both ways: `{ "event": name, "data": … }`. */
function envelope(event: string | undefined, data: JsonSchema | undefined): JsonSchema {
  return {
    type: "object",
    properties: { event: event === undefined ? { type: "string" } : { const: event }, data: data ?? {} },
    required: data === undefined ? ["event"] : ["event", "data"],
  };
}

/**
 * Refuses declarations the document could only get wrong: `@sends`/`@receives` on a method
 * that has no `@ws` or `@sse` route, `@receives` on one with no `@ws` route, an event
 * declared twice one way. `buildAsyncApi` checks too; the plugin checks at `prepare()`.
 */
export function checkMessages(routes: readonly RouteInfo[]): void {
  const kinds = new Map<Function, Map<string, Set<Kind | null>>>();
  for (const route of routes) {
    const methods = kinds.get(route.Class) ?? kinds.set(route.Class, new Map()).get(route.Class)!;
    const set = methods.get(route.handler) ?? methods.set(route.handler, new Set()).get(route.handler)!;
    set.add(kindOf(route));
  }
  for (const [Class, methods] of kinds) {
    for (const [handler, set] of methods) {
      const messages = messagesOf(Class, handler);
      if (messages.length === 0) continue;
      const where = `${Class.name}.${handler}`;
      if (!set.has("ws") && !set.has("sse")) {
        throw asyncapiSetupError("AEX_ERR_ASYNCAPI_MESSAGE", `${where} has @sends/@receives but no @ws or @sse route`);
      }
      const seen = new Set<string>();
      for (const { action, event } of messages) {
        if (action === "receive" && !set.has("ws")) {
          throw asyncapiSetupError(
            "AEX_ERR_ASYNCAPI_MESSAGE",
            `${where} @receives("${event}"): an @sse route only sends; clients send on a @ws route`,
          );
        }
        if (seen.has(`${action} ${event}`)) {
          throw asyncapiSetupError("AEX_ERR_ASYNCAPI_MESSAGE", `${where} declares @${action}s("${event}") twice`);
        }
        seen.add(`${action} ${event}`);
      }
    }
  }
}

/** What one channel's messages are, and which of them each action carries. */
interface ChannelMessages {
  messages: Record<string, JsonSchema>;
  byAction: Record<MessageAction, string[]>;
}

function channelMessages(kind: Kind, declared: readonly MessageDoc[], convert: ToJsonSchema | undefined) {
  const out: ChannelMessages = { messages: {}, byAction: { send: [], receive: [] } };
  const keys = new Set<string>();
  const add = (action: MessageAction, key: string, message: JsonSchema) => {
    out.messages[key] = message;
    out.byAction[action].push(key);
  };
  for (const { action, event, schema, description } of declared) {
    // What the handler sends is the schema's output; what a client sends, its input.
    const data = schema === undefined ? undefined : dataSchema(schema, convert, action === "send" ? "output" : "input");
    const key = uniqueKey(keys, toKey(event));
    const text = data?.type === "string" && kind === "sse"; // a string's data is sent as it is
    add(action, key, {
      name: event,
      title: event,
      ...(description !== undefined ? { summary: description } : {}),
      ...(text ? { contentType: "text/plain" } : {}),
      payload: kind === "ws" ? envelope(event, data) : (data ?? {}),
    });
  }
  if (declared.length === 0) {
    // Nothing declared: any event, either way a route can carry one.
    const key = uniqueKey(keys, "message");
    const any = { title: "Any event", summary: "Declare the route's events with @sends and @receives" };
    add("send", key, { ...any, payload: kind === "ws" ? envelope(undefined, undefined) : {} });
    if (kind === "ws") out.byAction.receive.push(key);
  }
  if (kind === "ws" && !declared.some((m) => m.action === "send" && m.event === "error")) {
    add("send", uniqueKey(keys, "error"), { $ref: "#/components/messages/aexWsError" });
  }
  return out;
}

/**
 * Builds an AsyncAPI 3.0 document from an app's routes (`aex.routes()`): a channel per
 * `@ws` and `@sse` route path (`:id` as the `{id}` parameter, the upgrade's or stream's
 * `@query`/`@filter` checks as its binding's `query`), the events `@sends` and `@receives`
 * declare as its messages with their schemas (a WebSocket message's payload is its
 * `{ event, data }` envelope), a `send` and a `receive` operation per route, the security
 * schemes of the route's guards (`@auth`, `@apiKey`, `@roles`), `@summary` from
 * @aex/openapi, and a `ws`/`wss` and an `http`/`https` server per base URL given.
 *
 * @example
 * const document = buildAsyncApi(aex.routes(), { info: { title: "Chat" }, servers: [{ url: "https://chat.example.com" }] });
 */
export function buildAsyncApi(routes: readonly RouteInfo[], options: AsyncApiOptions = {}): JsonSchema {
  checkMessages(routes);
  const convert = options.toJsonSchema;
  const live = routes.filter((route) => kindOf(route) !== null);
  const servers = serversOf(options.servers ?? [], {
    ws: live.some((r) => kindOf(r) === "ws"),
    http: live.some((r) => kindOf(r) === "sse"),
  });
  const channels: Record<string, JsonSchema> = {};
  const operations: Record<string, JsonSchema> = {};
  const schemes = new Map<string, JsonSchema>();
  const channelKeys = new Set<string>();
  const operationKeys = new Set<string>();
  const answered = new Set<string>();
  for (const route of live) {
    const kind = kindOf(route) as Kind;
    if (answered.has(`${kind} ${route.path}`)) continue; // the first route answers, as in the router
    answered.add(`${kind} ${route.path}`);
    const { address, names, key: base } = channelAddress(route.path);
    const key = uniqueKey(channelKeys, base);
    const { query, params } = requestSchemas(route.definitions, convert);
    const paramSchemas = (params?.properties ?? {}) as Record<string, JsonSchema>;
    const doc = docOf(route.Class, route.handler);
    const onServers = kind === "ws" ? servers.ws : servers.http;
    const { messages, byAction } = channelMessages(kind, messagesOf(route.Class, route.handler), convert);
    channels[key] = {
      address,
      title: `${route.controller}.${route.handler}`,
      ...(doc?.summary !== undefined ? { summary: doc.summary } : {}),
      ...(doc?.description !== undefined ? { description: doc.description } : {}),
      ...(onServers.length > 0 ? { servers: onServers.map((name) => ({ $ref: `#/servers/${name}` })) } : {}),
      ...(names.length > 0
        ? { parameters: Object.fromEntries(names.map((n) => [n, parameter(paramSchemas[n])])) }
        : {}),
      messages,
      ...(kind === "ws"
        ? { bindings: { ws: { method: "GET", ...(query ? { query } : {}), bindingVersion: "0.1.0" } } }
        : {}),
    };
    const security = securityOf(route.definitions, schemes);
    for (const action of ["receive", "send"] as const) {
      if (byAction[action].length === 0) continue;
      const id = uniqueKey(operationKeys, toKey(`${route.controller}_${route.handler}_${action}`));
      operations[id] = {
        action,
        channel: { $ref: `#/channels/${key}` },
        title: `${route.controller}.${route.handler} ${action === "send" ? "sends" : "receives"}`,
        tags: [{ name: route.controller }],
        messages: byAction[action].map((name) => ({ $ref: `#/channels/${key}/messages/${name}` })),
        ...(security !== undefined
          ? {
              security: security.names.map((name) => ({ $ref: `#/components/securitySchemes/${name}` })),
              ...(security.roles.length > 0 ? { "x-aex-roles": [...security.roles] } : {}),
            }
          : {}),
        ...(kind === "sse"
          ? { bindings: { http: { method: "GET", ...(query ? { query } : {}), bindingVersion: "0.3.0" } } }
          : {}),
      };
    }
  }
  const hasWs = Object.values(channels).some((channel) => (channel.bindings as JsonSchema | undefined)?.ws);
  const components: JsonSchema = {
    ...(hasWs ? { messages: { aexWsError: WS_ERROR } } : {}),
    ...(schemes.size > 0 ? { securitySchemes: Object.fromEntries(schemes) } : {}),
  };
  return {
    asyncapi: "3.0.0",
    info: { title: options.info?.title ?? "Aex app", version: options.info?.version ?? "1.0.0", ...options.info },
    ...(Object.keys(servers.servers).length > 0 ? { servers: servers.servers } : {}),
    defaultContentType: "application/json",
    channels,
    operations,
    ...(Object.keys(components).length > 0 ? { components } : {}),
  };
}

/** A path parameter: AsyncAPI 3.0's Parameter Object takes a description, an enum, a default and examples. */
function parameter(schema: JsonSchema | undefined): JsonSchema {
  if (schema === undefined) return {};
  const out: JsonSchema = {};
  if (typeof schema.description === "string") out.description = schema.description;
  if (Array.isArray(schema.enum) && schema.enum.every((v) => typeof v === "string")) out.enum = schema.enum;
  if (typeof schema.default === "string") out.default = schema.default;
  if (Array.isArray(schema.examples) && schema.examples.every((v) => typeof v === "string")) {
    out.examples = schema.examples;
  }
  return out;
}
