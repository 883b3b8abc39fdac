import { addStep } from "../registry/registry";
import { methodDecorator } from "../registry/method-decorator";
import type { MethodKey, StepDefinition } from "../registry/definitions";
import type { Step } from "../pipeline/types";
import { AexError } from "../errors/aex-error";
import { checkValidationStatus, schemaStep, type SchemaOptions, type SchemaSource } from "./schema-step";
import { isStandardSchema, type StandardSchemaV1 } from "./standard-schema";

/* eslint-disable @typescript-eslint/no-explicit-any -- req, res and the rest are the user's to type */
/** The scope parameter a handler declares (`unknown` when it declares none). */
type ScopeParam<M> = M extends (req: any, res: any, scope: infer P, ...rest: any[]) => unknown ? P : unknown;
/* eslint-enable @typescript-eslint/no-explicit-any */

/** What a compile error about a mismatched handler shows. */
export interface SchemaMismatch<Slot extends string, Out> {
  /** The scope slot whose declared type cannot hold the schema's output (the compile error reads it). */
  readonly "the handler's scope type does not accept the schema's output at": Slot;
  /** The schema's output type, shown in the compile error. */
  readonly schemaOutput: Out;
}

/**
 * `unknown` when the handler's declared `scope[slot]` type can hold `Out` (or the handler
 * declares no scope, or the slot's type is `any`); a {@link SchemaMismatch} otherwise.
 */
export type SchemaCheck<M, Slot extends SchemaSource, Out> =
  unknown extends ScopeParam<M>
    ? unknown
    : Slot extends keyof ScopeParam<M>
      ? [Out] extends [ScopeParam<M>[Slot]]
        ? unknown
        : SchemaMismatch<Slot, Out>
      : unknown;

/**
 * A method decorator that checks its method's type: under standard decorators and under
 * `experimentalDecorators`, a handler whose declared `scope.<slot>` type cannot hold the
 * schema's output is a compile error. Only its own slot is checked, so `@params(a)`
 * and `@query(b)` stack on one handler.
 */
export interface SchemaDecorator<Slot extends SchemaSource, Out> {
  /**
   * Standard decorators: the method and its context.
   *
   * @typeParam This The controller class.
   * @typeParam M The decorated method, whose `scope` type is checked.
   */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- any method, checked by SchemaCheck
  <This, M extends (this: This, ...args: any[]) => unknown>(
    value: M & SchemaCheck<M, Slot, Out>,
    context: ClassMethodDecoratorContext<This, M>,
  ): void;
  /**
   * Legacy decorators: the prototype, the method's name and its descriptor.
   *
   * @typeParam M The decorated method, whose `scope` type is checked.
   */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- any method, checked by SchemaCheck
  <M extends (...args: any[]) => unknown>(
    target: object,
    key: MethodKey,
    descriptor: TypedPropertyDescriptor<M> & { value?: SchemaCheck<M, Slot, Out> },
  ): void;
}

/** What a schema decorator records for OpenAPI: the source, the schema, its own failure status. */
export interface SchemaRecord<Slot extends SchemaSource = SchemaSource, S extends StandardSchemaV1 = StandardSchemaV1> {
  /** Where the data is read. */
  readonly source: Slot;
  /** The Standard Schema that checks it. */
  readonly schema: S;
  /** The check's own `validationStatus`, if it was given one (else the app's). */
  readonly status?: number;
}

/** The step: `before` (the body parser) then the schema check answering `status`. */
function checkedStep(source: SchemaSource, schema: StandardSchemaV1, status: number, before?: Step): Step {
  const check = schemaStep(source, schema, status);
  if (before === undefined) return check;
  return (req, res, scope) => {
    const parsed = before(req, res, scope);
    return parsed instanceof Promise ? parsed.then(() => check(req, res, scope)) : check(req, res, scope);
  };
}

/**
 * Builds the decorator of `@body(schema)`, `@query(schema)` and `@params(schema)`:
 * `before` (the body parser) then the schema check, as one recorded step. Invalid data is
 * answered with `options.validationStatus`, else the app's.
 */
export function schemaDecorator<S extends StandardSchemaV1, Slot extends SchemaSource>(
  source: Slot,
  schema: S,
  before?: Step,
  options: SchemaOptions = {},
): SchemaDecorator<Slot, StandardSchemaV1.InferOutput<S>> {
  if (!isStandardSchema(schema)) {
    throw new AexError("AEX_ERR_DECORATOR_ARGS", `@${source} takes a Standard Schema (zod, valibot, ArkType…)`);
  }
  const status = options.validationStatus;
  checkValidationStatus(`@${source}(schema)`, status);
  // The usual app answers 400: that step is made once; another status's, per app at prepare().
  const usual = checkedStep(source, schema, status ?? 400, before);
  const definition: StepDefinition & { schema: SchemaRecord<Slot, S> } = {
    name: `${source}(schema)`,
    schema: status === undefined ? { source, schema } : { source, schema, status },
    build: ({ app }) =>
      status !== undefined || app.options.validationStatus === 400
        ? usual
        : checkedStep(source, schema, app.options.validationStatus, before),
  };
  const decorate = methodDecorator((holder, key) => addStep(holder, key, definition));
  return decorate as unknown as SchemaDecorator<Slot, StandardSchemaV1.InferOutput<S>>;
}

/**
 * Validates the route parameters with a Standard Schema; `scope.params` holds the
 * parsed, coerced values (`req.params` the raw strings). Invalid ones get a 400
 * `AEX_VALIDATION_FAILED` (`options.validationStatus`, else the app's `validationStatus`).
 *
 * @example
 * class Notes {
 *   @get("/notes/:id")
 *   @params(z.object({ id: z.coerce.number().int() }))
 *   one(req: AexRequest, res: AexResponse, scope: ScopeWith<{ params: { id: number } }>) {}
 * }
 */
export function params<S extends StandardSchemaV1>(
  schema: S,
  options?: SchemaOptions,
): SchemaDecorator<"params", StandardSchemaV1.InferOutput<S>> {
  return schemaDecorator("params", schema, undefined, options);
}
