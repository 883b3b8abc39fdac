import { methodDecorator, type AexMethodDecorator } from "../registry/method-decorator";
import type BodyParser from "body-parser";
import type { IncomingMessage, ServerResponse } from "node:http";
import { HttpError, toHttpError } from "../errors/http-error";
import type { AexRequest } from "../http/request";
import type { Step } from "../pipeline/types";
import { addStep } from "../registry/registry";
import { guardBody } from "./body-guard";
import { assertJsonDepth } from "./json-depth";
import { schemaDecorator, type SchemaDecorator } from "../schema/schema-decorator";
import type { SchemaOptions } from "../schema/schema-step";
import { isStandardSchema, type StandardSchemaV1 } from "../schema/standard-schema";
import {
  acceptedTypes,
  BODY_MEDIA_TYPES,
  hasContent,
  isWellFormedMediaType,
  malformedType,
  unsupportedType,
} from "./media-type";
import { isPlainJson, jsonText, limitOf, readJson } from "./read-json";
import { stripPrototypeKeys } from "./prototype-keys";

/** The body types `@body` parses, each with body-parser's parser of that name. */
export type BodyType = "urlencoded" | "json" | "text" | "raw";

/**
 * Options of `@body`: the ones of body-parser's parsers that Aex passes on (declared here, so
 * an app's types need no `@types/body-parser`), plus `depth`.
 */
export interface BodyOptions {
  /** Largest body, in bytes or as a size (`"1mb"`); larger: 413. Default 100 KB. */
  limit?: number | string;
  /** Accept gzip, deflate and br bodies, inflating them (within `limit`). Default true. */
  inflate?: boolean;
  /** The media types the route parses: one, several, or a function of the request. */
  type?: string | string[] | ((req: IncomingMessage) => unknown);
  /** JSON: only objects and arrays at the top (RFC 7159 allows any value). Default true. */
  strict?: boolean;
  /** JSON: `JSON.parse`'s reviver (the body then goes through body-parser, not the fast path). */
  reviver?: (key: string, value: unknown) => unknown;
  /** urlencoded: `qs`'s nested syntax (`a[b]=1`) instead of flat pairs. Default false. */
  extended?: boolean;
  /** urlencoded: most parameters (more: 413). Default 1000. */
  parameterLimit?: number;
  /** text: the charset of a body whose type names none. Default `utf-8`. */
  defaultCharset?: string;
  /** Deepest nesting a JSON body may have (default: the app's `limits.jsonDepth`, 64). */
  depth?: number;
}

/** body-parser error types and the codes Aex answers them with. */
const CODES: Record<string, string> = {
  "entity.parse.failed": "AEX_BODY_INVALID",
  "entity.too.large": "AEX_BODY_TOO_LARGE",
  "parameters.too.many": "AEX_BODY_TOO_LARGE",
  "querystring.parse.rangeError": "AEX_BODY_INVALID",
  "encoding.unsupported": "AEX_BODY_UNSUPPORTED_ENCODING",
  "charset.unsupported": "AEX_BODY_UNSUPPORTED_ENCODING",
  "request.aborted": "AEX_BODY_ABORTED",
  "request.size.invalid": "AEX_BODY_INVALID",
};

/** Codes for body-parser errors without a known `type`, by status. */
const BY_STATUS: Record<number, string> = {
  400: "AEX_BODY_INVALID",
  413: "AEX_BODY_TOO_LARGE",
  415: "AEX_BODY_UNSUPPORTED_ENCODING",
};

type Middleware = (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void) => void;

/** JSON in another charset than UTF-8 (RFC 8259 §8.1: UTF-16 and UTF-32 bodies included). */
const notUtf8Charset = (charset: string) =>
  new HttpError(415, `unsupported charset "${charset.toUpperCase()}": JSON is read as UTF-8 only`, {
    code: "AEX_BODY_UNSUPPORTED_ENCODING",
  });

let bodyParserModule: typeof BodyParser | undefined;

/**
 * body-parser, loaded when a route first needs it (a urlencoded, text or raw route when its
 * class is defined, a JSON route only for a body the fast path does not read): an app that
 * reads only plain JSON never loads it.
 */
function bodyParser(): typeof BodyParser {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use, not at start-up
  return (bodyParserModule ??= require("body-parser") as typeof BodyParser);
}

function parserFor(type: BodyType, { depth, ...options }: BodyOptions): Middleware {
  // body-parser hands `verify` the bytes after inflating, before decoding their charset.
  const verifyJson = (req: AexRequest, _res: ServerResponse, buf: Buffer, charset: string) => {
    if (charset !== "utf-8") throw notUtf8Charset(charset);
    assertJsonDepth(jsonText(buf), depth ?? req.bodyLimits.jsonDepth);
  };
  switch (type) {
    case "json":
      // The fast path takes application/*+json too; body-parser's default is application/json alone.
      return bodyParser().json({ type: [...BODY_MEDIA_TYPES.json], ...options, verify: verifyJson });
    case "text":
      return bodyParser().text(options);
    case "raw":
      return bodyParser().raw(options);
    default:
      return bodyParser().urlencoded({ extended: false, ...options });
  }
}

/** What `scope.body` holds when the request had no body of the right type. */
function emptyBody(type: BodyType): unknown {
  if (type === "text") return "";
  if (type === "raw") return Buffer.alloc(0);
  return {};
}

/**
 * The step that parses a body of `type` into `scope.body` and `req.body`. An unknown
 * type falls back to urlencoded. Malformed input is a 400, an oversize body a 413, a
 * body of another media type (or none) a 415 `AEX_BODY_UNSUPPORTED_TYPE`, a request
 * without a body an empty body. Parsed JSON and urlencoded bodies go through
 * {@link stripPrototypeKeys}.
 */
export function bodyStep(type: string = "urlencoded", options: BodyOptions = {}): Step {
  const kind: BodyType = type === "json" || type === "text" || type === "raw" ? type : "urlencoded";
  // Plain JSON takes the fast path unless options ask for body-parser's extras.
  const fastJson = kind === "json" && options.type === undefined && options.reviver === undefined;
  // Made now for routes that always need it; for the fast JSON path, when a body first does.
  let parse: Middleware | null = fastJson ? null : parserFor(kind, options);
  const limit = limitOf(options.limit);
  const strict = options.strict ?? true;
  const accepted = acceptedTypes(options.type, BODY_MEDIA_TYPES[kind]);
  const keyed = kind === "json" || kind === "urlencoded";
  return (req, res, scope) => {
    const limits = options.depth === undefined ? req.bodyLimits : { ...req.bodyLimits, jsonDepth: options.depth };
    if (fastJson && isPlainJson(req)) {
      return readJson(req, res, limit, strict, limits, scope);
    }
    // body-parser passes over a body another step read (methodOverride) and one of another type.
    const unread = req.body === undefined && !(req.complete && !req.readable);
    const contentType = req.headers["content-type"];
    return new Promise<void>((resolve, reject) => {
      // body-parser reads the whole body before answering a 413; the guard answers at once.
      const guard = guardBody(req, res, limit, limits, reject);
      if (unread && contentType !== undefined && hasContent(req) && !isWellFormedMediaType(contentType)) {
        guard.refuse(malformedType("AEX_BODY_INVALID"));
        return;
      }
      (parse ??= parserFor(kind, options))(req, res, (error) => {
        if (error !== undefined && error !== null) {
          guard.stop();
          const known = toHttpError(error);
          // Errors body-parser passes on untyped (a corrupt gzip stream…) get the code of their status.
          const own = known.code?.startsWith("AEX_") === true;
          const code = CODES[(error as { type?: string }).type ?? ""] ?? (own ? known.code : BY_STATUS[known.status]);
          // A copy: body-parser writes its own `type` ("entity.verify.failed"), which the problem
          // body would send as its RFC 9457 type, and the raw body onto the errors it passes on.
          const { headers, details } = known;
          reject(code ? new HttpError(known.status, known.message, { code, headers, details, cause: error }) : known);
          return;
        }
        if (unread && req.body === undefined && hasContent(req)) {
          guard.refuse(unsupportedType(req, accepted));
          return;
        }
        guard.stop();
        const body = req.body === undefined ? emptyBody(kind) : keyed ? stripPrototypeKeys(req.body) : req.body;
        req.body = body;
        scope.provide("body", body);
        resolve();
      });
    });
  };
}

/**
 * Parses the request body with body-parser into `scope.body` (and `req.body`).
 * `type` is `"urlencoded"` (default, `{ extended: false }`), `"json"`, `"text"` or `"raw"`;
 * `options` are body-parser's (`limit` defaults to 100kb). `@body(schema, options)` parses JSON
 * and checks it with a Standard Schema; `options.validationStatus` is the status invalid data
 * gets (default the app's `validationStatus`, 400).
 *
 * @example
 * class User {
 *   @http("post", "/user/login")
 *   @body("urlencoded", { extended: false })
 *   login(req, res, scope) { res.end(scope.body.username); }
 * }
 */
export function body<S extends StandardSchemaV1>(
  schema: S,
  options?: BodyOptions & SchemaOptions,
): SchemaDecorator<"body", StandardSchemaV1.InferOutput<S>>;
export function body(type?: BodyType, options?: BodyOptions): AexMethodDecorator;
export function body(
  type: BodyType | StandardSchemaV1 = "urlencoded",
  options: BodyOptions & SchemaOptions = {},
): AexMethodDecorator {
  // `@body(schema)`: a JSON body checked by a Standard Schema (validation/, schema/).
  if (isStandardSchema(type)) {
    const { validationStatus, ...parser } = options;
    return schemaDecorator("body", type, bodyStep("json", parser), {
      validationStatus,
    }) as unknown as AexMethodDecorator;
  }
  const step = bodyStep(type, options);
  return methodDecorator((holder, key) => {
    addStep(holder, key, { name: `body(${type})`, build: () => step });
  });
}
