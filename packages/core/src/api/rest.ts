import { methodDecorator, type AexMethodDecorator } from "../registry/method-decorator";
import { bodyStep, type BodyOptions } from "../parsers/body";
import type { Step } from "../pipeline/types";
import type { StepDefinition } from "../registry/definitions";
import { addRoute } from "../registry/registry";
import { normalizePath } from "../router/route-path";
import { methodStep } from "../pipeline/to-step";
import { callableMethods } from "./callable-methods";
import { notImplemented } from "./not-implemented";

/** Options of `@rest` and `@api`. */
export interface RestOptions {
  /** Handlers take `({ req, res, scope })` (default) or `(req, res, scope)` when false. */
  isCompact?: boolean;
  /** How bodies are parsed, as `@body(type, options)`; an unknown type is urlencoded. */
  body?: {
    /** The body type, as `@body`'s first argument (`"urlencoded"`, `"json"`…). */
    type?: string;
    /** The parser's options, as `@body`'s second argument. */
    options?: BodyOptions;
  };
}

const REST_VERBS = ["GET", "POST", "PUT", "PATCH", "DELETE"];

/** A step definition that parses the body of every request but GET and HEAD. */
export function bodyUnlessGet(options: RestOptions): StepDefinition {
  const parse = bodyStep(options.body?.type ?? "urlencoded", options.body?.options);
  const step: Step = (req, res, scope) =>
    req.method === "GET" || req.method === "HEAD" ? undefined : parse(req, res, scope);
  return { name: "body", build: () => step };
}

/**
 * A REST resource at `url`: GET, POST, PUT, PATCH and DELETE. Each verb calls the
 * controller's method of that name in lower case (`get`, `post`, `put`, `patch`,
 * `delete`); GET falls back to the decorated method; any other missing verb is a 501.
 * Bodies of all but GET are parsed first.
 *
 * @example
 * class Users {
 *   @rest("/users/:id")
 *   user({ res }) { res.end("GET falls back to me"); }
 *   put({ res, scope }) { res.json({ updated: scope.params.id, with: scope.body }); }
 *   delete({ res }) { res.statusCode = 204; res.end(); }
 * }
 */
export function rest(url: string, options: RestOptions = {}): AexMethodDecorator {
  const compact = options.isCompact ?? true;
  const urls = [normalizePath(url)];
  return methodDecorator((holder, key) => {
    addRoute(holder, key, {
      methods: REST_VERBS,
      urls,
      compact,
      before: [bodyUnlessGet(options)],
      handler: ({ instance, methodName }) => {
        const methods = callableMethods(instance, compact);
        const byVerb = new Map<string, Step>();
        for (const verb of REST_VERBS) {
          const step = methods.get(verb.toLowerCase());
          if (step !== undefined) byVerb.set(verb, step);
        }
        if (!byVerb.has("GET")) byVerb.set("GET", methodStep(instance, methodName, compact));
        return (req, res, scope) =>
          (byVerb.get(req.method === "HEAD" ? "GET" : (req.method ?? "")) ?? notImplemented)(req, res, scope);
      },
    });
  });
}
