import type { StandardSchemaV1 } from "@aex/core";
import { recordsOfKind, type MethodKey } from "@aex/core/plugin";
import type { JsonSchema } from "@aex/openapi";

/** Which way a message goes, from the app's side (AsyncAPI's operation `action`). */
export type MessageAction = "send" | "receive";

/** One message `@sends` or `@receives` declared. */
export interface MessageDoc {
  /** `send`: the app sends it to the client; `receive`: the client sends it. */
  readonly action: MessageAction;
  /** The event name (`{ "event": name }` on a WebSocket, `event: name` on a stream). */
  readonly event: string;
  /** The data's schema: a Standard Schema, or a JSON Schema. */
  readonly schema?: StandardSchemaV1 | JsonSchema;
  /** What the message means. */
  readonly description?: string;
}

/** The record kind of `@sends` and `@receives` (`addRecord`). */
export const MESSAGES_KEY = Symbol.for("aex:asyncapi");

/**
 * The messages `@sends`/`@receives` declared on a method of a class (inherited ones
 * included), in written order.
 *
 * @example
 * messagesOf(Chat, "join"); // [{ action: "receive", event: "say", schema: Say }, { action: "send", event: "said", … }]
 */
export function messagesOf(Class: Function, key: MethodKey): readonly MessageDoc[] {
  return recordsOfKind<MessageDoc>(MESSAGES_KEY, Class).get(key) ?? [];
}
