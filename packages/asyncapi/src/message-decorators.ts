import { AexError, type StandardSchemaV1 } from "@aex/core";
import { addRecord, isStandardSchema, methodDecorator, type AexMethodDecorator } from "@aex/core/plugin";
import type { JsonSchema } from "@aex/openapi";
import { MESSAGES_KEY, type MessageAction, type MessageDoc } from "./message-doc";

function messageDecorator(
  name: string,
  action: MessageAction,
  event: string,
  schema: StandardSchemaV1 | JsonSchema | undefined,
  description: string | undefined,
): AexMethodDecorator {
  if (typeof event !== "string" || event === "") {
    throw new AexError("AEX_ERR_DECORATOR_ARGS", `${name} takes an event name`);
  }
  if (schema !== undefined && !isStandardSchema(schema) && (typeof schema !== "object" || schema === null)) {
    throw new AexError("AEX_ERR_DECORATOR_ARGS", `${name}("${event}") takes a Standard Schema or a JSON Schema`);
  }
  if (description !== undefined && typeof description !== "string") {
    throw new AexError("AEX_ERR_DECORATOR_ARGS", `${name}("${event}")'s description is a text`);
  }
  const doc: MessageDoc = { action, event, schema, description };
  return methodDecorator((holder, key) => addRecord<MessageDoc>(MESSAGES_KEY, holder, key, doc));
}

/**
 * Declares an event the route sends to its clients, with its data's schema (a Standard
 * Schema, read by its *output* JSON Schema, or a JSON Schema) and what it means, for the
 * AsyncAPI document: on a `@ws` route, `handler.send(event, data)` and broadcasts to the
 * connection; on an `@sse` route, `stream.send(event, data)`. The document lists what the
 * route declares; nothing is checked when the event is sent.
 *
 * @example
 * class Chat {
 *   @ws("/chat/:room")
 *   @sends("said", Said, "A line someone said in the room")
 *   join(handler: WebSocketHandler, scope: Scope) {}
 * }
 */
export function sends(event: string, schema?: StandardSchemaV1 | JsonSchema, description?: string): AexMethodDecorator {
  return messageDecorator("@sends", "send", event, schema, description);
}

/**
 * Declares an event a `@ws` route's clients send (`{ "event": name, "data": … }`), with
 * its data's schema (a Standard Schema, read by its *input* JSON Schema, or a JSON Schema)
 * and what it means, for the AsyncAPI document. Nothing is checked when the event arrives:
 * check `data` in the listener.
 *
 * @example
 * class Chat {
 *   @ws("/chat/:room")
 *   @receives("say", Say, "A line to say in the room")
 *   join(handler: WebSocketHandler, scope: Scope) {
 *     handler.on("say", (data) => {});
 *   }
 * }
 */
export function receives(
  event: string,
  schema?: StandardSchemaV1 | JsonSchema,
  description?: string,
): AexMethodDecorator {
  return messageDecorator("@receives", "receive", event, schema, description);
}
