import { methodDecorator, type AexMethodDecorator } from "../registry/method-decorator";
import validator from "node-form-validator";
import { AexError } from "../errors/aex-error";
import { HttpError } from "../errors/http-error";
import type { AexRequest } from "../http/request";
import type { AexResponse } from "../http/response";
import { readQuery } from "../parsers/query";
import type { Step } from "../pipeline/types";
import { addStep } from "../registry/registry";
import type { Scope } from "../scope/scope";

/** Where `@filter` finds data. */
export type FilterSource = "params" | "query" | "body";

/** A node-form-validator rule set: field name → `{ type, required, minLength, maxLength, … }`. */
export type FilterRules = Record<string, Record<string, unknown>>;

/** What a fallback receives as its first argument when validation fails. */
export interface FilterFailure {
  /** Which data failed: `"params"`, `"query"` or `"body"`. */
  in: FilterSource;
  /** The field that failed, when known. */
  field?: string;
  /** node-form-validator's reason. */
  message: string;
}

/** A fallback for invalid data; `this` is the controller. */
export type FilterFallback = (error: FilterFailure, req: AexRequest, res: AexResponse, scope: Scope) => unknown;

/** The argument of `@filter`. */
export interface FilterOptions {
  params?: FilterRules;
  query?: FilterRules;
  body?: FilterRules;
  fallbacks?: Partial<Record<FilterSource, FilterFallback>>;
}

const SOURCES: readonly FilterSource[] = ["params", "query", "body"];

function dataOf(source: FilterSource, req: AexRequest, scope: Scope): Record<string, unknown> {
  const data = source === "query" ? readQuery(req, scope) : source === "params" ? scope.params : scope.body;
  // node-form-validator wants a plain object (parsed queries have a null prototype).
  return typeof data === "object" && data !== null && !Array.isArray(data) ? { ...data } : {};
}

type Outcome = { ok: true; data: Record<string, unknown> } | { ok: false; failure: FilterFailure };

/** Validates one source's data against its rules. */
function check(source: FilterSource, rules: FilterRules, data: Record<string, unknown>): Outcome {
  const result = validator.validate(data, rules);
  if (result === false) {
    // Nothing to extract: fine unless a field is required.
    const missing = Object.keys(rules).find((field) => rules[field].required === true);
    return missing === undefined
      ? { ok: true, data: {} }
      : { ok: false, failure: { in: source, field: missing, message: `Required key ${missing} is missing` } };
  }
  if (result.code === 0) return { ok: true, data: result.data ?? {} };
  return { ok: false, failure: { in: source, field: result.key, message: result.message ?? "Invalid value" } };
}

/** Answers invalid data: the source's fallback (then the line ends), or a 400. */
async function reject(
  options: FilterOptions,
  failure: FilterFailure,
  instance: unknown,
  req: AexRequest,
  res: AexResponse,
  scope: Scope,
): Promise<false> {
  const fallback = options.fallbacks?.[failure.in];
  if (fallback === undefined) {
    throw new HttpError(400, `Invalid ${failure.in}: ${failure.message}`, {
      code: "AEX_FILTER_INVALID",
      details: failure,
    });
  }
  await fallback.call(instance, failure, req, res, scope);
  return false;
}

/**
 * Builds the `@filter` step for a controller instance. Valid data passes synchronously
 * (no promise per request); only a failure goes async, for its fallback.
 */
export function filterStep(options: FilterOptions, instance: unknown): Step {
  const checks = SOURCES.filter((source) => options[source] !== undefined);
  return (req, res, scope) => {
    for (const source of checks) {
      const outcome = check(source, options[source] as FilterRules, dataOf(source, req, scope));
      if (!outcome.ok) return reject(options, outcome.failure, instance, req, res, scope);
      scope.extracted[source] = outcome.data;
    }
    return undefined;
  };
}

/**
 * Validates `params`, `query` and `body` with node-form-validator rules. Valid data is
 * in `scope.extracted.{params,query,body}`; invalid data goes to the matching fallback
 * (`this` the controller) or gets a 400 whose JSON names the field and the reason.
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
  if (typeof options !== "object" || options === null || !SOURCES.some((s) => options[s] !== undefined)) {
    throw new AexError("AEX_ERR_DECORATOR_ARGS", "@filter needs rules for params, query or body");
  }
  return methodDecorator((holder, key) => {
    addStep(holder, key, { name: "filter", build: ({ instance }) => filterStep(options, instance) });
  });
}
