import debug from "debug";
import type AjvClass from "ajv";
import type { ErrorObject, ValidateFunction } from "ajv";
import { AexError, HttpError, type Aex, type AexResponse, type FieldError, type StandardSchemaV1 } from "@aex/core";
import { isStandardSchema, runSchema, type JsonWriter, type MethodKey } from "@aex/core/plugin";
import { docOf } from "./method-doc";
import type { JsonSchema } from "./rules-to-json-schema";
import { knownJsonSchema } from "./schema-to-json-schema";

const log = debug("aex:returns");
const JSON_HEAD = { "content-type": "application/json; charset=utf-8" };

/** A body's check: the fields that are wrong (none: it matches), maybe later. */
type Check = (data: unknown) => FieldError[] | Promise<FieldError[]>;

/** What a route does with a JSON body sent with one status. */
interface StatusRule {
  readonly status: number;
  /** Development only: null in production. */
  readonly check: Check | null;
  /** fast-json-stringify's function when a JSON Schema is known, else `JSON.stringify`. */
  readonly serialize: (data: unknown) => string;
}

const stringify = (data: unknown): string => JSON.stringify(data) ?? "null";

// --- Ajv, for @returns given a JSON Schema (loaded only when one is checked) ---

type AjvConstructor = new (options: object) => AjvClass;
const ajvs = new Map<string, AjvClass>();

/** One Ajv per dialect: 2020-12 (OpenAPI 3.1's) when the schema says so, else draft-07 (TypeBox's). */
function ajvFor(schema: JsonSchema): AjvClass {
  const dialect = typeof schema.$schema === "string" && schema.$schema.includes("2020-12") ? "2020" : "07";
  let ajv = ajvs.get(dialect);
  if (ajv === undefined) {
    // Required here, not imported at the top: Ajv loads only for apps that check a JSON Schema.
    /* eslint-disable @typescript-eslint/no-require-imports */
    const Ajv = (dialect === "2020" ? require("ajv/dist/2020") : require("ajv")).default as AjvConstructor;
    const addFormats = (require("ajv-formats") as { default: (ajv: AjvClass) => AjvClass }).default;
    /* eslint-enable @typescript-eslint/no-require-imports */
    // Not strict: documentation keywords (`example`, `x-aex-rule`…) are fine in a schema.
    ajv = addFormats(new Ajv({ allErrors: true, strict: false }));
    ajvs.set(dialect, ajv);
  }
  return ajv;
}

/** `/items/0/title` → `items[0].title`; the body itself is `(root)`. */
function fieldOfPointer(pointer: string, extra?: string): string {
  const parts = pointer === "" ? [] : pointer.slice(1).split("/");
  if (extra !== undefined) parts.push(extra);
  let field = "";
  for (const raw of parts) {
    const part = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    if (/^\d+$/.test(part)) field += `[${part}]`;
    else field += field === "" ? part : `.${part}`;
  }
  return field === "" ? "(root)" : field;
}

function ajvErrors(errors: readonly ErrorObject[] | null | undefined): FieldError[] {
  return (errors ?? []).map((error) => {
    const { missingProperty, additionalProperty } = error.params as {
      missingProperty?: string;
      additionalProperty?: string;
    };
    // A missing or unexpected property is named as the field itself, like the other checks.
    const field = fieldOfPointer(error.instancePath, missingProperty ?? additionalProperty);
    const message =
      missingProperty !== undefined
        ? "is required"
        : additionalProperty !== undefined
          ? "is not a property the schema allows"
          : (error.message ?? "is invalid");
    return { field, rule: error.keyword, message: `${field}: ${message}` };
  });
}

function jsonSchemaCheck(schema: JsonSchema, where: string): Check {
  let validate: ValidateFunction;
  try {
    validate = ajvFor(schema).compile(schema);
  } catch (error) {
    throw new AexError(
      "AEX_ERR_DECORATOR_ARGS",
      `${where}: not a JSON Schema Ajv can compile: ${(error as Error).message}`,
    );
  }
  return (data) => (validate(data) ? [] : ajvErrors(validate.errors));
}

function standardCheck(schema: StandardSchemaV1): Check {
  return (data) => {
    const outcome = runSchema(schema, data);
    if (outcome instanceof Promise) return outcome.then((settled) => (settled.ok ? [] : settled.errors));
    return outcome.ok ? [] : outcome.errors;
  };
}

// --- fast-json-stringify, when a JSON Schema is known ---

type Build = (schema: JsonSchema) => (data: unknown) => string;

function serializerFor(schema: JsonSchema | undefined, where: string): StatusRule["serialize"] {
  if (schema === undefined) return stringify;
  try {
    // Required here, not imported at the top: it loads only for apps with a JSON Schema to serialize by.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const build = require("fast-json-stringify") as Build;
    return build(schema);
  } catch (error) {
    log("%s: JSON.stringify, since fast-json-stringify cannot compile the schema: %s", where, (error as Error).message);
    return stringify;
  }
}

/**
 * The `@returns` schemas of one route, compiled once at `prepare()`: the route's JSON
 * writer (`res.jsonWriter`), which `res.json` and `res.ok` send through. Outside
 * production (the app's `validateResponses` option) a body is checked against its
 * status's schema first, and a mismatch answers 500 `AEX_RESPONSE_INVALID` (the error
 * path logs which fields); in production it is not checked. Either way a body whose schema
 * has a known JSON Schema is written by fast-json-stringify, so development sends the same
 * bytes as production (properties the schema does not name are left out).
 *
 * @example
 * const contract = ResponseContract.of(aex, Notes, "one"); // null: its @returns name no schema
 */
export class ResponseContract implements JsonWriter {
  private constructor(
    private readonly rules: ReadonlyMap<number, StatusRule>,
    private readonly where: string,
  ) {}

  /** The route's contract, or null when its `@returns` name no schema. */
  static of(app: Pick<Aex, "options">, Class: Function, key: MethodKey): ResponseContract | null {
    const responses = docOf(Class, key)?.responses ?? [];
    if (responses.every((r) => r.schema === undefined)) return null;
    const where = `${Class.name}.${String(key)}`;
    const rules = new Map<number, StatusRule>();
    const seen = new Set<number>();
    for (const { status, schema } of responses) {
      // The first @returns of a status counts, as in the document.
      if (seen.has(status)) continue;
      seen.add(status);
      if (schema === undefined) continue;
      const at = `@returns(${status}) of ${where}`;
      const given = schema as StandardSchemaV1 | JsonSchema;
      const standard = isStandardSchema(given);
      const json = standard ? knownJsonSchema(given, undefined, "output", "draft-07") : given;
      const check = !app.options.validateResponses
        ? null
        : standard
          ? standardCheck(given)
          : jsonSchemaCheck(given, at);
      rules.set(status, { status, check, serialize: serializerFor(json && withoutDialect(json), at) });
    }
    return new ResponseContract(rules, where);
  }

  /** Sends `data` as the JSON body of `res` (the status already set). */
  send(res: AexResponse, data: unknown): void {
    const rule = this.rules.get(res.statusCode);
    if (rule === undefined) {
      res.typedEnd(stringify(data), JSON_HEAD);
      return;
    }
    if (rule.check === null) {
      this.write(res, rule, data);
      return;
    }
    let errors: FieldError[] | Promise<FieldError[]>;
    try {
      errors = rule.check(data);
    } catch (error) {
      res.failed(error);
      return;
    }
    if (errors instanceof Promise) {
      errors.then(
        (settled) => this.settle(res, rule, data, settled),
        (error: unknown) => res.failed(error),
      );
    } else this.settle(res, rule, data, errors);
  }

  private settle(res: AexResponse, rule: StatusRule, data: unknown, errors: FieldError[]): void {
    if (errors.length === 0) {
      this.write(res, rule, data);
      return;
    }
    const list = errors.map((e) => e.message).join("; ");
    res.failed(
      new HttpError(500, `The ${rule.status} body of ${this.where} does not match its @returns schema: ${list}`, {
        code: "AEX_RESPONSE_INVALID",
        details: { status: rule.status, errors },
      }),
    );
  }

  private write(res: AexResponse, rule: StatusRule, data: unknown): void {
    let text: string;
    try {
      text = rule.serialize(data);
    } catch (error) {
      // fast-json-stringify refuses a value its schema cannot hold (a string for an integer).
      res.failed(
        new HttpError(
          500,
          `The ${rule.status} body of ${this.where} cannot be written by its @returns schema: ${(error as Error).message}`,
          {
            code: "AEX_RESPONSE_INVALID",
            cause: error,
          },
        ),
      );
      return;
    }
    res.typedEnd(text, JSON_HEAD);
  }
}

function withoutDialect(schema: JsonSchema): JsonSchema {
  const { $schema: _dialect, ...rest } = schema;
  return rest;
}
