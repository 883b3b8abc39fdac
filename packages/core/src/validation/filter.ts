import { methodDecorator, type AexMethodDecorator } from "../registry/method-decorator";
import { AexError } from "../errors/aex-error";
import { HttpError } from "../errors/http-error";
import type { AexRequest } from "../http/request";
import type { AexResponse } from "../http/response";
import { readQuery } from "../parsers/read-query";
import type { Step } from "../pipeline/types";
import type { StepDefinition } from "../registry/definitions";
import { addStep } from "../registry/registry";
import type { Scope } from "../scope/scope";
import { runSchema, type SchemaOutcome } from "../schema/run-schema";
import { checkValidationStatus } from "../schema/schema-step";
import { isStandardSchema, type StandardSchemaV1 } from "../schema/standard-schema";
import { compileObject } from "./compile-rules";
import { generateCheck } from "./generate-check";
import { INVALID } from "./type-checks";
import type { FieldError, FilterRules } from "./filter-rule";

/** Where `@filter` finds data. */
export type FilterSource = "params" | "query" | "body";

/** What a fallback receives as its first argument when validation fails. */
export interface FilterFailure {
  /** Which data failed: `"params"`, `"query"` or `"body"`. */
  in: FilterSource;
  /** The first field that failed. */
  field?: string;
  /** The rule that field broke. */
  rule?: string;
  /** A plain-English sentence naming the first field and rule. */
  message: string;
  /** Every failed check of this source. */
  errors: FieldError[];
}

/** A fallback for invalid data; `this` is the controller. */
export type FilterFallback = (error: FilterFailure, req: AexRequest, res: AexResponse, scope: Scope) => unknown;

/** What `@filter` checks a source with: rules, or a Standard Schema (zod, valibot, ArkType). */
export type FilterCheck = FilterRules | StandardSchemaV1;

/** The argument of `@filter`. */
export interface FilterOptions {
  /** Checks for the route parameters. */
  params?: FilterCheck;
  /** Checks for the query string. */
  query?: FilterCheck;
  /** Checks for the parsed body. */
  body?: FilterCheck;
  /** What answers invalid data of each source instead of the 400. */
  fallbacks?: Partial<Record<FilterSource, FilterFallback>>;
  /** The status invalid data is answered with; default the app's `validationStatus` (400). */
  validationStatus?: number;
}

const SOURCES: readonly FilterSource[] = ["params", "query", "body"];

type Outcome = SchemaOutcome<unknown>;
type SourceCheck = (data: unknown) => Outcome | Promise<Outcome>;

const asObject = (data: unknown): Record<string, unknown> =>
  typeof data === "object" && data !== null && !Array.isArray(data) ? (data as Record<string, unknown>) : {};

/** Compiles one source's rules (or wraps its schema), once, at `prepare()`. */
function compileSource(source: FilterSource, check: FilterCheck): SourceCheck {
  if (isStandardSchema(check)) return (data) => runSchema(check, data);
  const lenientArrays = source === "query";
  const checkObject = compileObject(check, "", lenientArrays);
  const valid = generateCheck(check, lenientArrays);
  return (data) => {
    const object = asObject(data);
    const value = valid === undefined ? INVALID : valid(object);
    if (value !== INVALID) return { ok: true, value };
    // Invalid (or no generated check): the reference names each field and rule that failed.
    const errors: FieldError[] = [];
    const checked = checkObject(object, "", errors);
    return errors.length === 0 ? { ok: true, value: checked } : { ok: false, errors };
  };
}

function dataOf(source: FilterSource, req: AexRequest, scope: Scope): unknown {
  return source === "query" ? readQuery(req, scope) : source === "params" ? scope.params : scope.body;
}

/** The failure of `source`, named after its first failed check. */
export function filterFailure(source: FilterSource, errors: FieldError[]): FilterFailure {
  const first = errors[0];
  return { in: source, field: first?.field, rule: first?.rule, message: first?.message ?? "Invalid data", errors };
}

/** Answers invalid data: the source's fallback (then the line ends), or a 400. */
async function reject(
  options: FilterOptions,
  status: number,
  failure: FilterFailure,
  instance: unknown,
  req: AexRequest,
  res: AexResponse,
  scope: Scope,
): Promise<false> {
  const fallback = options.fallbacks?.[failure.in];
  if (fallback === undefined) {
    throw new HttpError(status, `Invalid ${failure.in}: ${failure.message}`, {
      code: "AEX_FILTER_INVALID",
      details: failure,
    });
  }
  await fallback.call(instance, failure, req, res, scope);
  return false;
}

/**
 * Builds the `@filter` step for a controller instance: each source's rules compiled
 * once into one checking function. Valid data passes synchronously (no promise per
 * request); a failure, or an asynchronous schema, goes async. Invalid data without a
 * fallback is answered `options.validationStatus`, else `status` (the app's, default 400).
 */
export function filterStep(options: FilterOptions, instance: unknown, appStatus = 400): Step {
  const status = options.validationStatus ?? appStatus;
  const checks = SOURCES.filter((source) => options[source] !== undefined).map(
    (source) => [source, compileSource(source, options[source] as FilterCheck)] as const,
  );
  const run = (from: number, req: AexRequest, res: AexResponse, scope: Scope): unknown => {
    for (let i = from; i < checks.length; i++) {
      const [source, check] = checks[i];
      const outcome = check(dataOf(source, req, scope));
      if (outcome instanceof Promise) {
        return outcome.then((settled) => {
          if (!settled.ok)
            return reject(options, status, filterFailure(source, settled.errors), instance, req, res, scope);
          scope.extracted[source] = settled.value;
          return run(i + 1, req, res, scope);
        });
      }
      if (!outcome.ok) return reject(options, status, filterFailure(source, outcome.errors), instance, req, res, scope);
      scope.extracted[source] = outcome.value;
    }
    return undefined;
  };
  return (req, res, scope) => run(0, req, res, scope);
}

/** Refuses, at decoration time, options `@filter` could not use; compiles the rules once to find bad ones. */
function checkOptions(options: FilterOptions): void {
  if (typeof options !== "object" || options === null || !SOURCES.some((s) => options[s] !== undefined)) {
    throw new AexError("AEX_ERR_DECORATOR_ARGS", "@filter needs rules for params, query or body");
  }
  for (const source of SOURCES) {
    const check = options[source];
    if (check !== undefined && !isStandardSchema(check)) compileObject(check, "", source === "query");
  }
  checkValidationStatus("@filter", options.validationStatus);
}

/**
 * Validates `params`, `query` and `body` with rules (node-form-validator's names and
 * options, compiled once) or a Standard Schema. Valid data is in
 * `scope.extracted.{params,query,body}`; invalid data goes to the matching fallback
 * (`this` the controller) or gets a 400 (`validationStatus`, else the app's) whose JSON
 * names each field and rule.
 *
 * @example
 * class User {
 *   @http("post", "/user/login")
 *   @body()
 *   @filter({ body: { username: { type: "string", required: true, minLength: 4, maxLength: 20 } } })
 *   async login(req, res, scope) { res.end(scope.extracted.body.username); }
 * }
 */
export function filter(options: FilterOptions): AexMethodDecorator {
  checkOptions(options);
  return methodDecorator((holder, key) => {
    addStep(holder, key, {
      name: "filter",
      filter: options,
      build: ({ instance, app }) => filterStep(options, instance, app.options.validationStatus),
    } as StepDefinition);
  });
}
