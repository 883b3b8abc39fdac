import { methodDecorator, type AexMethodDecorator } from "../registry/method-decorator";
import { AexError } from "../errors/aex-error";
import { addStep } from "../registry/registry";

/** One error's messages by language: `{ "en-US": "I Love U!" }`. */
export type LocalizedMessages = Readonly<Record<string, string>>;

/**
 * A node of `@error`'s definitions (the AEX README's format, errorable's): an error where it has
 * `messages`, a group of named child nodes, or an `alias` of a sibling group.
 */
export interface ErrorDefinition {
  /** The error's numeric code (`details.code` of its answer). */
  code?: number;
  /** Its message in each language. */
  messages?: LocalizedMessages;
  /** The HTTP status a thrown one answers with. Default 400. */
  status?: number;
  /** Put before the message by `getMessage(locale)`, as `prefix:message`. */
  prefix?: string;
  /** Generate the sibling group of this name again under this node's name. */
  alias?: string;
  /** Child nodes: their names are joined to this one (`I` › `Love` › `You` makes `ILoveYou`). */
  [child: string]: ErrorDefinition | LocalizedMessages | string | number | undefined;
}

/** The definitions `@error` takes, plus an optional default `lang`. */
export interface ErrorDefinitions {
  /** The language used when an error is created without one. */
  lang?: string;
  /** The top-level nodes. */
  [node: string]: ErrorDefinition | string | undefined;
}

/** An error made by a {@link GeneratedError} class. */
export interface LocalizedError extends Error {
  /** The error's numeric code, from its definition. */
  code?: number;
  /** The language its message is in. */
  locale?: string;
  /** Its messages by language. */
  messages?: LocalizedMessages;
  /** The HTTP status it answers with (its definition's `status`, default 400). */
  status: number;
  /** Always true: its message is meant for the client. */
  expose: true;
  /** `{ code, name }`, sent as the problem's `details`. */
  details: { code?: number; name: string };
  /** Its message in `locale` (with the definition's `prefix`); throws for a language it lacks. */
  getMessage(locale: string): string;
  /** `{ code, message, name }`. */
  toJSON(): { code?: number; message: string; name: string };
}

/** A generated error class: `new ILoveYou()` or `new ILoveYou("en-US")`. */
export type GeneratedError = new (locale?: string) => LocalizedError;

const isNode = (value: unknown): value is ErrorDefinition => typeof value === "object" && value !== null;

/** `love` → `Love` (or `LOVE` in upper case), joined to its parent's name. */
function nameOf(key: string, parent: string, upperCase: boolean): string {
  if (!upperCase) return parent + key[0].toUpperCase() + key.slice(1).toLowerCase();
  return parent === "" ? key.toUpperCase() : `${parent}_${key.toUpperCase()}`;
}

/** One class per node with `messages`, named after its path of keys. */
function collect(
  node: ErrorDefinition,
  name: string,
  upperCase: boolean,
  lang: string | undefined,
  into: Record<string, GeneratedError>,
): void {
  if (name !== "" && node.messages !== undefined) into[name] = errorClass(name, node, lang);
  for (const [key, value] of Object.entries(node)) {
    if (!isNode(value) || key === "messages") continue;
    // An alias node stands for its sibling group, under its own name.
    const target = typeof value.alias === "string" ? node[value.alias] : value;
    if (isNode(target)) collect(target, nameOf(key, name, upperCase), upperCase, lang, into);
  }
}

function errorClass(name: string, definition: ErrorDefinition, lang: string | undefined): GeneratedError {
  const { code, messages, prefix } = definition;
  const status = definition.status ?? 400;
  return class extends Error implements LocalizedError {
    override readonly name = name;
    readonly code = code;
    readonly messages = messages;
    readonly locale: string | undefined;
    readonly status = status;
    readonly expose = true as const;
    readonly details = { code, name };
    constructor(locale: string | undefined = lang) {
      super(locale === undefined ? "" : (messages?.[locale] ?? ""));
      this.locale = locale;
    }
    getMessage(locale: string): string {
      const message = messages?.[locale];
      if (message === undefined) throw new Error(`No message in ${locale} for ${name}`);
      return prefix === undefined ? message : `${prefix}:${message}`;
    }
    toJSON(): { code?: number; message: string; name: string } {
      return { code, message: this.locale === undefined ? "" : this.getMessage(this.locale), name };
    }
  };
}

/**
 * Generates the error classes of `definitions` (the AEX README's format: nested names,
 * `code`, `messages` by language, `alias`, an optional `status`). Created errors default to
 * `lang`, and carry an HTTP `status` (the definition's `status`, or 400) so a thrown one is
 * answered with it and its localized message.
 *
 * @example
 * const { ILoveYou } = generateErrors({ I: { Love: { You: { code: 1, messages: { "en-US": "I Love U!" } } } } });
 * new ILoveYou("en-US").message; // "I Love U!"
 */
export function generateErrors(definitions: ErrorDefinitions, upperCase = false): Record<string, GeneratedError> {
  const { lang, ...nodes } = definitions;
  const errors: Record<string, GeneratedError> = {};
  collect(nodes as ErrorDefinition, "", upperCase, typeof lang === "string" ? lang : undefined, errors);
  return errors;
}

/**
 * Generates localized error classes into `scope.error`. `lang` sets the
 * language of errors created without one; `upperCase` names them `I_LOVE_YOU` instead
 * of `ILoveYou`. A thrown generated error is answered with its status (400 unless the
 * definition has `status`) and its message.
 *
 * @example
 * class User {
 *   @http("post", "/error")
 *   @error({ lang: "en-US", I: { Love: { You: { code: 1, messages: { "en-US": "I Love U!" } } } } })
 *   road(req, res, scope) { throw new scope.error.ILoveYou(); }
 * }
 */
export function error(definitions: ErrorDefinitions, upperCase = false): AexMethodDecorator {
  if (typeof definitions !== "object" || definitions === null) {
    throw new AexError("AEX_ERR_DECORATOR_ARGS", "@error takes error definitions");
  }
  const errors = generateErrors(definitions, upperCase);
  return methodDecorator((holder, key) => {
    addStep(holder, key, {
      name: "error",
      build: () => (_req, _res, scope) => {
        Object.assign(scope.error, errors);
      },
    });
  });
}
