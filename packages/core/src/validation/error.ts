import { methodDecorator, type AexMethodDecorator } from "../registry/method-decorator";
import { Generator, type IErrorOptions } from "errorable";
import { AexError } from "../errors/aex-error";
import { addStep } from "../registry/registry";

/** The definitions `@error` takes: errorable's, plus an optional default `lang`. */
export interface ErrorDefinitions extends IErrorOptions {
  /** The language used when an error is created without one. */
  lang?: string;
}

/** A generated error class: `new ILoveYou()` or `new ILoveYou("en-US")`. */
export type GeneratedError = new (locale?: string) => Error & {
  /** The error's numeric code, from its definition. */
  code?: number;
  /** The language its message is in. */
  locale?: string;
  /** The HTTP status it answers with (its definition's `status`, default 400). */
  status: number;
  /** Always true: its message is meant for the client. */
  expose: true;
};

/**
 * Keeps what errorable understands (nested objects, `code`, `messages`, `alias`) and
 * collects each error's optional HTTP `status` by the name errorable will give it.
 * errorable walks every key, so a stray string (`lang`, `prefix`, `status`) would send
 * it into endless recursion.
 */
function clean(
  node: Record<string, unknown>,
  upperCase: boolean,
  statuses: Map<string, number>,
  name = "",
): IErrorOptions {
  const out: IErrorOptions = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === "code" || key === "messages" || key === "alias") (out as Record<string, unknown>)[key] = value;
    else if (typeof value === "object" && value !== null) {
      const childName = Generator.getName(upperCase, key, name);
      const child = value as Record<string, unknown>;
      if (typeof child.status === "number") statuses.set(childName, child.status);
      out[key] = clean(child, upperCase, statuses, childName);
    }
  }
  return out;
}

/**
 * Generates the error classes of `definitions` with errorable. Created errors default
 * to `lang`, and carry an HTTP `status` (the definition's `status`, or 400) so a thrown
 * one is answered with it and its localized message.
 */
export function generateErrors(definitions: ErrorDefinitions, upperCase = false): Record<string, GeneratedError> {
  const { lang, ...rest } = definitions;
  const statuses = new Map<string, number>();
  const generated = Generator.generate(clean(rest, upperCase, statuses), upperCase) as Record<
    string,
    new (locale?: string) => Error & { code?: number; locale?: string }
  >;
  const errors: Record<string, GeneratedError> = {};
  for (const [name, Base] of Object.entries(generated)) {
    const status = statuses.get(name) ?? 400;
    errors[name] = class extends Base {
      readonly status = status;
      readonly expose = true as const;
      readonly details = { code: this.code, name };
      constructor(locale: string | undefined = lang) {
        super(locale);
      }
    } as GeneratedError;
  }
  return errors;
}

/**
 * Generates localized error classes (errorable) into `scope.error`. `lang` sets the
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
